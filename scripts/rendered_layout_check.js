// Runs inside a rendered report or statement (scripts/render_report.sh appends it) and writes
// its verdict into a pre element with id layout-check: "ok …" or the first problems found.
//   screen: every money column of the discrepancy table is inside the window at this width.
//   print:  the page's @media print rules are applied as if printing; no cell is broken inside
//           a word (a one-line cell spans one line; a wrapping cell breaks only at spaces) and
//           no cell overflows, and the table fits the width.
function layoutCheck() {
  'use strict';
  var mode = window.LAYOUT_MODE || 'screen';
  var problems = [];
  if (mode === 'print') {
    // Apply the print rules on screen: every @media print block becomes unconditional.
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      var rules = sheet.cssRules;
      for (var i = rules.length - 1; i >= 0; i--) {
        if (rules[i].media && rules[i].media.mediaText.indexOf('print') !== -1) {
          var text = rules[i].cssText.replace(/^@media[^{]*\{/, '').replace(/\}\s*$/, '');
          sheet.deleteRule(i);
          var inner = text.match(/[^{}]+\{[^{}]*\}/g) || [];
          inner.forEach(function (rule) { sheet.insertRule(rule, sheet.cssRules.length); });
        }
      }
    });
  }
  function lines(cell) {
    var range = document.createRange();
    range.selectNodeContents(cell);
    var tops = {};
    Array.prototype.forEach.call(range.getClientRects(), function (rect) {
      if (rect.width > 0) tops[Math.round(rect.top)] = true;
    });
    return Object.keys(tops).length;
  }
  function brokenWord(cell) {
    // A word is broken when its own line boxes lie on more than one line.
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), text;
    while ((text = walker.nextNode())) {
      var value = text.nodeValue, re = /\S+/g, match;
      while ((match = re.exec(value))) {
        var range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        var tops = {};
        Array.prototype.forEach.call(range.getClientRects(), function (rect) { if (rect.width > 0) tops[Math.round(rect.top)] = true; });
        if (Object.keys(tops).length > 1) return match[0];
      }
    }
    return null;
  }
  var cells = 0;
  Array.prototype.forEach.call(document.querySelectorAll('td, th'), function (cell) {
    if (cell.offsetParent === null) return; // hidden (.noprint in print)
    cells++;
    var word = brokenWord(cell);
    if (word) problems.push('word broken: "' + word.slice(0, 40) + '"');
    var wraps = cell.classList.contains('wrap') || (mode === 'print' && cell.classList.contains('paperwrap'));
    if (!wraps && cell.tagName === 'TD' && lines(cell) > 1) {
      problems.push('cell on ' + lines(cell) + ' lines: "' + cell.textContent.slice(0, 40) + '"');
    }
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push('cell overflows: "' + cell.textContent.slice(0, 40) + '"');
  });
  var width = document.documentElement.clientWidth;
  Array.prototype.forEach.call(document.querySelectorAll('table'), function (table) {
    if (mode === 'print' && table.getBoundingClientRect().right > width + 1) {
      problems.push('a table is ' + Math.round(table.getBoundingClientRect().width) + ' px wide, the page ' + width);
    }
  });
  if (mode === 'screen') {
    var heads = document.querySelectorAll('#discrepancies th');
    ['recorded', 'expected', 'delta', 'credit'].forEach(function (name) {
      var head = Array.prototype.filter.call(heads, function (th) { return th.textContent.replace(/ [▲▼]$/, '') === name; })[0];
      if (!head) { problems.push('no ' + name + ' column'); return; }
      if (head.getBoundingClientRect().right > width) problems.push(name + ' is off screen (right edge ' + Math.round(head.getBoundingClientRect().right) + ' > ' + width + ')');
    });
  }
  var pre = document.createElement('pre');
  pre.id = 'layout-check';
  pre.textContent = problems.length ? 'FAIL ' + problems.slice(0, 5).join('; ') : 'ok (' + cells + ' cells)';
  document.body.appendChild(pre);
}
window.addEventListener('load', function () {
  try { layoutCheck(); } catch (error) {
    var pre = document.createElement('pre');
    pre.id = 'layout-check';
    pre.textContent = 'FAIL the check itself failed: ' + error;
    document.body.appendChild(pre);
  }
});
