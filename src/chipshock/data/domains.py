"""E-mail domain → a coarse class; the processed commit table keeps the class, not the domain."""

from __future__ import annotations

DOMAIN_CLASSES = (
    "cn_company",
    "cn_edu",
    "cn_other",
    "cn_webmail",
    "us_company",
    "us_edu",
    "noreply",
    "webmail",
    "other",
    "empty",
)

CN_WEBMAIL = frozenset(
    {
        "qq.com",
        "vip.qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
        "live.cn",
        "188.com",
        "vip.163.com",
    }
)
WEBMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.fr",
        "hotmail.co.uk",
        "live.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "hey.com",
        "posteo.net",
        "posteo.de",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mailbox.org",
        "yandex.ru",
        "ya.ru",
        "mail.ru",
        "naver.com",
        "iki.fi",
    }
)
CN_COMPANY = frozenset(
    {
        "alibaba-inc.com",
        "antgroup.com",
        "baidu.com",
        "bytedance.com",
        "tencent.com",
        "huawei.com",
        "h-partners.com",
        "sensetime.com",
        "modelbest.cn",
        "01.ai",
        "xiaomi.com",
        "kuaishou.com",
        "jd.com",
        "meituan.com",
        "zhihu.com",
        "xiaohongshu.com",
        "mthreads.com",
        "asiainfo.com",
        "deepseek.com",
        "zhipuai.cn",
        "iflytek.com",
        "megvii.com",
        "moonshot.cn",
        "baichuan-inc.com",
        "noreply.gitcode.com",
    }
)
US_COMPANY = frozenset(
    {
        "nvidia.com",
        "microsoft.com",
        "google.com",
        "fb.com",
        "meta.com",
        "mosaicml.com",
        "databricks.com",
        "intel.com",
        "amd.com",
        "ibm.com",
        "us.ibm.com",
        "amazon.com",
        "openai.com",
        "apple.com",
        "qti.qualcomm.com",
        "quicinc.com",
        "redhat.com",
        "servicenow.com",
        "neuralmagic.com",
        "octoml.ai",
        "snowflake.com",
        "habana.ai",
        "modal.com",
        "vmware.com",
        "linkedin.com",
        "oracle.com",
        "liquid.ai",
        "anthropic.com",
        "salesforce.com",
        "together.ai",
        "eleuther.ai",
        "allenai.org",
        "tenstorrent.com",
    }
)
CN_EDU_SUFFIXES = (".edu.cn", ".ac.cn")
CN_EDU_EXACT = frozenset({"idea.edu.cn", "baai.ac.cn", "pjlab.org.cn"})
NOREPLY = frozenset({"users.noreply.github.com"})
NON_US_EDU = frozenset({"u.nus.edu", "nus.edu"})  # .edu domains outside the U.S.


def classify_domain(domain: str) -> str:
    """The class of a (lowercased, possibly coarsened `other.<tld>`) e-mail domain."""
    d = (domain or "").strip().lower().rstrip(".")
    if not d:
        return "empty"
    if d in NOREPLY:
        return "noreply"
    if d in CN_WEBMAIL:
        return "cn_webmail"
    if d in WEBMAIL:
        return "webmail"
    if d in CN_COMPANY:
        return "cn_company"
    if d in CN_EDU_EXACT or d.endswith(CN_EDU_SUFFIXES):
        return "cn_edu"
    if d == "cn" or d.endswith(".cn"):
        return "cn_other"
    if d in US_COMPANY or d.endswith(".nvidia.com"):
        return "us_company"
    if d not in NON_US_EDU and (d == "other.edu" or d.endswith(".edu")):
        return "us_edu"
    return "other"
