/*
 * glonass-dispatch: «Загрузить GeoJSON» in the editor's routes tab (editor.js starts it).
 *
 *   attach(ed) -> {}
 *
 * The chosen file goes to POST /api/routes as the text it is, so the server's import (the
 * code behind `routes import`) names each bad feature with the line it starts on. A file with
 * bad features stores nothing; every one of them is listed under the button. MultiLineString
 * streets come back as one route per part.
 */
import * as P from './pages.js';
import {el} from './dom.js';


function attach(ed) {
  var input = ed.q('[data-upload-file]'), note = ed.q('[data-upload-note]');
  var list = ed.q('[data-upload-errors]');

  function showErrors(error) {
    var each = error.detail && error.detail.errors;
    list.textContent = '';
    if (!each) {
      P.say(note, 'error', 'Файл не загружен: ' + error.message);
      list.hidden = true;
      return;
    }
    P.say(note, 'error', 'Файл не загружен, ни один маршрут не сохранён. Ошибок: ' +
      each.length + '.');
    each.forEach(function (e) {
      var item = el('li');
      item.appendChild(el('b', null, e.feature));
      item.appendChild(document.createTextNode(': ' + e.problem));
      list.appendChild(item);
    });
    list.hidden = false;
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    list.hidden = true;
    P.say(note, 'busy', 'Загрузка «' + file.name + '»…');
    file.text().then(function (text) {
      return P.sendText('POST', ed.config.routesUrl, text);
    }).then(function (stored) {
      var count = stored.type === 'FeatureCollection' ? stored.features.length : 1;
      var warned = (stored.warnings || []).length;
      P.say(note, 'ok', 'Загружено маршрутов: ' + count + '.' +
        (warned ? ' Предупреждений: ' + warned + ' (линии вне города).' : ''));
      return ed.routes.load();
    }, showErrors).then(function () { input.value = ''; });
  });
  return {};
}

export {attach};
