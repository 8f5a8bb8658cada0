// Progressive enhancement: the confirm page's hold counts down. It counts
// from the seconds the server rendered (the server's clock decides when a
// hold lapses, not the phone's), and says so when the time is up.
(function () {
  var box = document.getElementById('countdown');
  var left = document.getElementById('left');
  if (!box || !left) { return; }
  var end = Date.now() + Number(box.getAttribute('data-left')) * 1000;
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    left.textContent = Math.floor(s / 60) + '分' + String(s % 60).padStart(2, '0') + '秒';
    if (s === 0) {
      left.textContent = '已超时，请重新选择时段';
      var submit = document.getElementById('submit');
      if (submit) { submit.disabled = true; }
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
