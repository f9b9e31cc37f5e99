/// The page's only script: sortable, filterable, paginated tables over rows embedded as JSON.
///
/// Why JSON + script rather than an HTML table: 100,000 discrepancy rows as DOM would make the
/// page unusable; as JSON they parse in well under a second and only one page (100 rows by
/// default) is ever in the DOM. The filtered and sorted view is recomputed only when a filter
/// or the sort changes, not when paging.
///
/// Safety: data reaches the DOM only through `textContent` and `createElement` — never
/// `innerHTML` — so a logged value like `<img onerror=…>` stays text.
enum HTMLReportScript {
    static let source = #"""
        (function () {
          'use strict';
          function el(tag, text, cls) {
            var node = document.createElement(tag);
            if (text !== undefined && text !== null) node.textContent = text;
            if (cls) node.className = cls;
            return node;
          }
          function grouped(value) {
            var text = String(value), match = /^([+-]?)(\d+)(.*)$/.exec(text);
            if (!match || match[2].length <= 3) return text;
            return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + match[3];
          }
          function classes(column) {
            return (column.numeric ? 'num' : column.wrap ? 'wrap' : column.paper_wrap ? 'paperwrap' : '')
              + (column.print === false ? ' noprint' : '');
          }
          function numeric(value) {
            if (value === '' || value === null || value === undefined) return -Infinity;
            var number = parseFloat(value);
            return isNaN(number) ? -Infinity : number;
          }
          function table(config) {
            var source = document.getElementById(config.data);
            var root = document.getElementById(config.root);
            if (!source || !root) return;
            var rows = JSON.parse(source.textContent);
            var columns = config.columns;
            var state = { sort: config.sort === undefined ? -1 : config.sort, dir: config.dir || 1, page: 0, size: 100, filters: {} };
            var view = rows;

            var controls = el('div', null, 'controls');
            columns.forEach(function (column, index) {
              if (!column.filter) return;
              var label = el('label', column.label + ' ');
              var input;
              if (column.filter === 'select') {
                input = el('select');
                input.appendChild(el('option', '(all)'));
                input.options[0].value = '';
                var seen = {};
                rows.forEach(function (row) { seen[row[index]] = true; });
                Object.keys(seen).sort().forEach(function (value) {
                  var option = el('option', value === '' ? '(empty)' : value);
                  option.value = value;
                  input.appendChild(option);
                });
                input.addEventListener('change', function () { state.filters[index] = { exact: true, value: input.value }; refresh(); });
              } else {
                input = el('input');
                input.type = 'search';
                input.placeholder = 'contains…';
                input.addEventListener('input', function () { state.filters[index] = { exact: false, value: input.value.toLowerCase() }; refresh(); });
              }
              label.appendChild(input);
              controls.appendChild(label);
            });
            var sizeLabel = el('label', 'rows per page ');
            var size = el('select');
            [50, 100, 500, 1000].forEach(function (count) {
              var option = el('option', String(count));
              option.value = String(count);
              if (count === state.size) option.selected = true;
              size.appendChild(option);
            });
            size.addEventListener('change', function () { state.size = parseInt(size.value, 10); state.page = 0; draw(); });
            sizeLabel.appendChild(size);
            controls.appendChild(sizeLabel);

            var grid = el('table');
            var head = el('thead');
            var headRow = el('tr');
            var headers = columns.map(function (column, index) {
              var cell = el('th', column.label, classes(column));
              cell.title = 'sort by ' + column.label;
              cell.addEventListener('click', function () {
                if (state.sort === index) state.dir = -state.dir; else { state.sort = index; state.dir = column.numeric ? -1 : 1; }
                refresh();
              });
              headRow.appendChild(cell);
              return cell;
            });
            head.appendChild(headRow);
            grid.appendChild(head);
            var body = el('tbody');
            grid.appendChild(body);

            var pager = el('div', null, 'pager');
            var previous = el('button', '‹ previous');
            var next = el('button', 'next ›');
            var status = el('span');
            previous.addEventListener('click', function () { if (state.page > 0) { state.page--; draw(); } });
            next.addEventListener('click', function () { if ((state.page + 1) * state.size < view.length) { state.page++; draw(); } });
            pager.appendChild(previous);
            pager.appendChild(document.createTextNode(' '));
            pager.appendChild(next);
            pager.appendChild(document.createTextNode(' '));
            pager.appendChild(status);

            var scroller = el('div', null, 'scroll');
            scroller.appendChild(grid);
            root.appendChild(controls);
            root.appendChild(scroller);
            root.appendChild(pager);

            function refresh() {
              var active = Object.keys(state.filters).filter(function (key) { return state.filters[key].value !== ''; });
              view = rows.filter(function (row) {
                return active.every(function (key) {
                  var filter = state.filters[key];
                  var cell = String(row[key]);
                  return filter.exact ? cell === filter.value : cell.toLowerCase().indexOf(filter.value) !== -1;
                });
              });
              if (state.sort >= 0) {
                var index = state.sort, dir = state.dir, isNumber = columns[index].numeric;
                view = view.map(function (row, position) { return [row, position]; });
                view.sort(function (a, b) {
                  var x = a[0][index], y = b[0][index], order;
                  if (isNumber) { x = numeric(x); y = numeric(y); order = x < y ? -1 : x > y ? 1 : 0; }
                  else order = x < y ? -1 : x > y ? 1 : 0;
                  return order !== 0 ? order * dir : a[1] - b[1];
                });
                view = view.map(function (pair) { return pair[0]; });
              }
              headers.forEach(function (cell, index) {
                cell.textContent = columns[index].label + (index === state.sort ? (state.dir > 0 ? ' ▲' : ' ▼') : '');
              });
              state.page = 0;
              draw();
            }

            function draw() {
              var start = state.page * state.size;
              var page = view.slice(start, start + state.size);
              var fragment = document.createDocumentFragment();
              page.forEach(function (row) {
                var line = el('tr');
                columns.forEach(function (column, index) {
                  var cell;
                  if (column.wrap || column.paper_wrap) {
                    // Free text wraps at spaces only: each word in a nowrap span, so an id like
                    // d-req-0010-1 is never split at its hyphens, on screen or on paper.
                    cell = el('td', null, classes(column));
                    String(row[index]).split(' ').forEach(function (word, position) {
                      if (position > 0) cell.appendChild(document.createTextNode(' '));
                      cell.appendChild(el('span', word, 'word'));
                    });
                  } else {
                    cell = el('td', column.grouped ? grouped(row[index]) : row[index], classes(column));
                  }
                  if (column.signed && numeric(row[index]) > 0) cell.className += ' pos';
                  if (column.signed && numeric(row[index]) < 0 && row[index] !== '') cell.className += ' neg';
                  line.appendChild(cell);
                });
                fragment.appendChild(line);
              });
              while (body.firstChild) body.removeChild(body.firstChild);
              if (page.length === 0) {
                var empty = el('tr');
                var cell = el('td', 'No rows match.', 'empty');
                cell.colSpan = columns.length;
                empty.appendChild(cell);
                fragment.appendChild(empty);
              }
              body.appendChild(fragment);
              status.textContent = view.length === 0 ? '0 rows'
                : 'rows ' + (start + 1) + '–' + (start + page.length) + ' of ' + view.length + (view.length !== rows.length ? ' (filtered from ' + rows.length + ')' : '');
              previous.disabled = state.page === 0;
              next.disabled = start + state.size >= view.length;
            }
            refresh();
          }
          var config = JSON.parse(document.getElementById('table-config').textContent);
          config.forEach(table);
        })();

        """#
}
