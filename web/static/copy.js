// Progressive enhancement: a copy button beside a read-only field (the
// office's address for a map app) where JavaScript runs; without it the
// field's text is selectable as it is.
document.querySelectorAll('[data-copy]').forEach(function (b) {
  var field = document.getElementById(b.getAttribute('data-copy'));
  var status = b.parentNode.querySelector('.copied');
  if (!field) { return; }
  b.hidden = false;
  b.addEventListener('click', function () {
    field.select();
    var done = function () { if (status) { status.textContent = '已复制'; } };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand('copy'); done(); });
    } else {
      document.execCommand('copy');
      done();
    }
  });
});
