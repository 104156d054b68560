// メッセージ受信条件設定, 「地方ごとまとめて選ぶ」: ticking a 地方's box ticks all its prefectures and
// unticking it unticks them; the box shows whether all, some or none of them are ticked. Without
// this script the form itself adds a ticked 地方's prefectures when it is saved
// (seekers.forms.ConditionsForm), so nothing here is needed for the choice to work.
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-region-group]");
  Array.prototype.forEach.call(groups, function (group) {
    var shortcut = group.querySelector('input[name="region_groups"]');
    var boxes = Array.prototype.slice.call(group.querySelectorAll('input[name="regions"]'));
    if (!shortcut || boxes.length === 0) {
      return;
    }
    function reflect() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      shortcut.checked = ticked === boxes.length;
      shortcut.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    shortcut.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = shortcut.checked; });
      shortcut.indeterminate = false;
    });
    boxes.forEach(function (box) { box.addEventListener("change", reflect); });
    reflect();
  });
}());
