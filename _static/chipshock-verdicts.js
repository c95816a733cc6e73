// Colour each verdict box by the verdict word glued into its title; the word stays the label.
document.addEventListener("DOMContentLoaded", () => {
  const words = [
    ["not testable with public data", "untestable"], ["partly supported", "partly"],
    ["not supported", "not-supported"], ["contradicted", "contradicted"], ["inconclusive", "inconclusive"],
    ["supported", "supported"],
  ];
  for (const box of document.querySelectorAll(".admonition.chipshock-verdict")) {
    const title = (box.querySelector(".admonition-title") || box).textContent.toLowerCase();
    const hit = words.find(([word]) => title.includes(word));
    if (hit) box.classList.add(`chipshock-verdict-${hit[1]}`);
  }
});
