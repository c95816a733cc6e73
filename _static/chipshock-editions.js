// Links the full book and its student edition (no exercise solutions) in the sidebar. The Pages
// workflow publishes the student edition under student/ beside the full book; a local build has
// them in _build/html/ and _build/student/html/.
document.addEventListener("DOMContentLoaded", () => {
  const rel = document.documentElement.dataset.content_root; // Sphinx: this page's way to the root
  const nav = document.querySelector(".bd-sidebar-primary .sidebar-primary-items__start");
  if (rel === undefined || nav === null) return;
  const root = new URL(rel, window.location.href);
  const isStudent = document.title.includes("(student edition)");
  const local = /\/_build\/(student\/)?html\/$/.test(root.pathname);
  const other = local ? (isStudent ? "../../html/" : "../student/html/") : (isStudent ? "../" : "student/");
  const full = isStudent ? new URL(other, root) : root;
  const student = isStudent ? root : new URL(other, root);
  const item = (base, label, current) =>
    `<li${current ? ' class="current"' : ""}><a href="${new URL("book/intro.html", base)}">${label}</a></li>`;
  const box = document.createElement("nav");
  box.className = "chipshock-editions";
  box.setAttribute("aria-label", "Editions of the book");
  box.innerHTML = '<p class="caption" role="heading"><span class="caption-text">Editions</span></p><ul>' +
    item(full, "Full book (with solutions)", !isStudent) +
    item(student, "Student edition", isStudent) + "</ul>";
  nav.appendChild(box);
});
