/*
 * glonass-dispatch: what the registry pages share (/admin/vehicles, /admin/terminals,
 * /admin/users).
 *
 *   search(input, table, counter)  // rows without every typed word are hidden
 *   refused(form, box, error)      // the API's 400 next to the field it names
 *   cell(row, text, className)     // a table cell, text set as text
 *   button(text, name, onClick)    // a row's action button, data-action="name"
 */
import * as P from './pages.js';

function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }

/* Filters the table's body rows as the user types: a row stays when its text (its
   data-search-text when set: a row with a <select> would otherwise hold every option's
   text) has every word typed, in any order; the counter says how many of how many show. */
function search(input, table, counter) {
  function apply() {
    var wanted = words(input.value), rows = table.tBodies[0].rows, shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var text = (row.getAttribute('data-search-text') || row.textContent).toLowerCase();
      var keep = wanted.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    counter.textContent = wanted.length ? 'найдено ' + shown + ' из ' + rows.length
      : 'всего ' + rows.length;
  }
  input.addEventListener('input', apply);
  return apply;
}

function show(box, text) {
  box.textContent = text || '';
  box.hidden = !text;
}

/* A refusal of the form's submission: by the field the server named, else above the form. */
function refused(form, box, error) {
  P.clearFieldErrors(form);
  var field = error && error.detail && error.detail.field;
  if (field && P.fieldError(form, field, error.message)) {
    show(box, '');
    form.querySelector('[data-field="' + field + '"] [name]').focus();
  } else {
    show(box, error ? (error.message || String(error)) : '');
  }
}

function cell(row, text, className) {
  var td = P.el('td', className || null, text === null || text === undefined || text === ''
    ? '—' : String(text));
  row.appendChild(td);
  return td;
}

/* A row's action button; data-action names it for tests and styles. */
function button(text, name, onClick) {
  var b = P.el('button', null, text);
  b.type = 'button';
  b.setAttribute('data-action', name);
  b.addEventListener('click', onClick);
  return b;
}

export {search, refused, show, cell, button};
