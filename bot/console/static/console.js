// The console's only script of its own (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  var print = document.getElementById("print-card");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
});
