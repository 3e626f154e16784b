/// The page's only script: filters for the timeline, and the count of rows shown. The page
/// reads the same without it.
enum Script {
    static let js = """
        (function () {
          var rows = Array.prototype.slice.call(document.querySelectorAll('.waterfall details.row'));
          var turns = Array.prototype.slice.call(document.querySelectorAll('.waterfall section.turn'));
          var buttons = Array.prototype.slice.call(document.querySelectorAll('[data-filter]'));
          var shown = document.getElementById('shown');
          function matches(row, filter) {
            if (filter === 'all') return true;
            if (row.getAttribute('data-kind') === filter) return true;
            return (' ' + row.getAttribute('data-flags') + ' ').indexOf(' ' + filter + ' ') >= 0;
          }
          function apply(filter) {
            var n = 0;
            rows.forEach(function (row) {
              var on = matches(row, filter);
              row.hidden = !on;
              if (on) n += 1;
            });
            turns.forEach(function (turn) {
              var any = turn.querySelector('details.row:not([hidden])');
              turn.hidden = filter !== 'all' && !any;
            });
            buttons.forEach(function (b) { b.classList.toggle('on', b.getAttribute('data-filter') === filter); });
            shown.textContent = n + ' of ' + rows.length + ' spans shown' + (filter === 'all' ? '' : ' (' + filter + ')');
            document.body.setAttribute('data-filter', filter);
          }
          buttons.forEach(function (b) {
            b.addEventListener('click', function () {
              var f = b.getAttribute('data-filter');
              history.replaceState(null, '', f === 'all' ? location.pathname : '#filter=' + f);
              apply(f);
            });
          });
          var hash = decodeURIComponent(location.hash.slice(1));
          var known = buttons.map(function (b) { return b.getAttribute('data-filter'); });
          if (hash.indexOf('filter=') === 0 && known.indexOf(hash.slice(7)) >= 0) {
            apply(hash.slice(7));
          } else {
            apply('all');
            var target = hash && document.getElementById(hash);
            if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
          }
        })();
        """
}
