/*
 * glonass-dispatch: the route and mark editor (maps/pages/editor.py renders the page).
 *
 * Starts itself on its side panel (.gd-editor) with the settings of its data-config, which
 * names the Folium feature group of saved routes and the Leaflet.draw control.
 *
 * This file holds what the two tabs share (tabs, notes, field errors, two-click delete, who may
 * edit) and routes Leaflet.draw's events; editor_routes.js and editor_marks.js are the tabs,
 * editor_bin.js the deleted routes and marks of both, editor_upload.js the GeoJSON upload.
 * Validation is the server's: its 400 answers name the field, and the message is shown next
 * to that field. Writes carry the CSRF token from /api/session (pages.js sendJSON).
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';
import {attach as attachRoutes} from './editor_routes.js';
import {attach as attachMarks} from './editor_marks.js';
import {attach as attachBin} from './editor_bin.js';
import {attach as attachUpload} from './editor_upload.js';
import './neutral_basemap.js';


/* Leaflet.draw's toolbar and hints in Russian, set when this module runs: start() takes the
   control off the map and adds it back for those who may edit, and the toolbar reads these
   texts each time it is added. */
function russianDraw() {
  if (!window.L || !L.drawLocal) { return; }
  var d = L.drawLocal.draw, e = L.drawLocal.edit;
  d.toolbar.actions = {title: 'Прекратить рисование', text: 'Отмена'};
  d.toolbar.finish = {title: 'Закончить линию', text: 'Готово'};
  d.toolbar.undo = {title: 'Убрать последнюю точку', text: 'Убрать точку'};
  d.toolbar.buttons.polyline = 'Нарисовать маршрут уборки';
  d.handlers.polyline.tooltip = {start: 'Щёлкните, чтобы начать линию.',
    cont: 'Щёлкните, чтобы продолжить линию.',
    end: 'Щёлкните по последней точке, чтобы закончить.'};
  d.handlers.polyline.error = '<strong>Ошибка:</strong> линии не могут пересекаться!';
  d.handlers.polygon.tooltip = {start: 'Щёлкните, чтобы начать контур.',
    cont: 'Щёлкните, чтобы продолжить контур.',
    end: 'Щёлкните по первой точке, чтобы замкнуть контур.'};
  e.toolbar.actions.save = {title: 'Сохранить изменения', text: 'Сохранить'};
  e.toolbar.actions.cancel = {title: 'Отменить изменения', text: 'Отмена'};
  e.toolbar.actions.clearAll = {title: 'Удалить все маршруты', text: 'Удалить все'};
  e.toolbar.buttons = {edit: 'Изменить линии маршрутов', editDisabled: 'Нет маршрутов',
    remove: 'Удалить маршруты', removeDisabled: 'Нет маршрутов'};
  e.handlers.edit.tooltip = {text: 'Тяните за точки, чтобы изменить линию.',
    subtext: '«Отмена» вернёт всё как было.'};
  e.handlers.remove.tooltip = {text: 'Щёлкните по маршруту, чтобы удалить его.'};
}
russianDraw();

function start(config, map, panel) {
  var routesGroup = P.foliumObject(config.routesLayer);
  var drawControl = P.foliumObject(config.drawControl);
  var state = {canEdit: false, route: null, mark: null, pending: null, fitted: false,
    vehicles: [], routesLoaded: false};
  var q = function (sel) { return panel.querySelector(sel); };
  var hint = el('div', 'gd-map-hint');
  hint.hidden = true;
  hint.setAttribute('data-map-hint', '');
  map.getContainer().appendChild(hint);
  map.removeControl(drawControl);  // back only for those who may edit
  P.scale(map, 'bottomleft');

  /* ----------------------------------------------------------------- errors, notes */

  var clearErrors = P.clearFieldErrors, fieldError = P.fieldError;
  function noteWithDetail(node, kind, text, detail) {
    P.say(node, kind, text);
    if (detail) { node.appendChild(el('span', 'gd-note-detail', detail)); }
  }
  function failure(node, err, what) {
    var status = err && err.status;
    if (status === 401) {
      P.say(node, 'error', 'Нужно войти в систему. ');
      var a = el('a', null, 'Войти');
      a.href = P.loginHref();
      node.appendChild(a);
    } else if (status === 403) {
      noteWithDetail(node, 'error', 'Нет прав на изменение или сессия устарела — войдите ' +
        'заново.', err.message);
    } else if (status === 404) {
      P.say(node, 'error', what + ' уже удалён(а) кем-то другим. Обновите страницу.');
    } else if (status === 0 || !status) {
      P.say(node, 'error', 'Сервер недоступен: изменения не сохранены, попробуйте ещё раз.');
    } else {
      noteWithDetail(node, 'error', 'Сервер не смог сохранить (HTTP ' + status +
        '), попробуйте ещё раз.', err.message);
    }
  }

  /* -------------------------------------------------------------------- tabs */

  function showTab(name) {
    panel.querySelectorAll('[role="tab"]').forEach(function (b) {
      b.setAttribute('aria-selected', String(b.getAttribute('data-tab') === name));
    });
    panel.querySelectorAll('[role="tabpanel"]').forEach(function (p) {
      p.hidden = p.getAttribute('data-panel') !== name;
    });
  }
  panel.querySelectorAll('[role="tab"]').forEach(function (b) {
    b.addEventListener('click', function () { showTab(b.getAttribute('data-tab')); });
  });

  /* Two clicks to delete: the first arms the button for a few seconds. */
  function armed(button, label, action) {
    var timer = null;
    button.addEventListener('click', function () {
      if (!button.classList.contains('gd-confirming')) {
        button.classList.add('gd-confirming');
        button.textContent = 'Точно удалить?';
        timer = setTimeout(reset, 4000);
        return;
      }
      reset();
      action();
    });
    function reset() {
      clearTimeout(timer);
      button.classList.remove('gd-confirming');
      button.textContent = label;
    }
    return reset;
  }

  function busy(buttons, on) {
    buttons.forEach(function (b) { b.disabled = on; });
  }

  /* Leaflet.draw's edit/delete modes, and a mark being placed, take clicks themselves. */
  function drawing() {
    var tb = drawControl._toolbars || {};
    return !!((tb.edit && tb.edit._activeMode) || (tb.draw && tb.draw._activeMode)) ||
      !!state.pending;
  }

  /* A route or mark the server has stored (it has an id); a draft has none. */
  function isSaved(layer) { return !!(layer.feature && layer.feature.id != null); }

  var ed = {config: config, map: map, routesGroup: routesGroup,
    marksGroup: L.featureGroup().addTo(map), drawControl: drawControl, state: state, q: q,
    T: F.time(config.timeZone), hint: hint, showTab: showTab, armed: armed, busy: busy,
    clearErrors: clearErrors, fieldError: fieldError, noteWithDetail: noteWithDetail,
    failure: failure, drawing: drawing, isSaved: isSaved};
  var routes = ed.routes = attachRoutes(ed);
  var marks = ed.marks = attachMarks(ed);
  var bin = ed.bin = attachBin(ed);
  attachUpload(ed);

  /* A new line from the toolbar becomes a draft route; a line or area started by the marks
     panel becomes a draft mark instead (folium's own handler has already put it into the
     routes group, so it is taken out again). */
  map.on(L.Draw.Event.CREATED, function (e) {
    if (!state.pending) {
      routes.created(e);
      return;
    }
    routesGroup.removeLayer(e.layer);
    var pending = state.pending;
    state.pending = null;
    marks.drawn(pending, e.layer.toGeoJSON(7).geometry);
  });

  map.on(L.Draw.Event.EDITSTART + ' ' + L.Draw.Event.DELETESTART, function () {
    if (state.route) { routes.close(); }
    if (state.mark) { marks.close(); }
  });

  /* ================================================================ access */

  function applyAccess(info) {
    state.canEdit = P.canEdit(info, config.editorRoles);
    var note = q('[data-access]');
    panel.querySelectorAll('fieldset').forEach(function (f) { f.disabled = !state.canEdit; });
    ['[data-new-route]', '[data-upload-routes]', '[data-new-mark]', '[data-route-save]', '[data-mark-save]',
      '[data-mark-close]', '[data-route-delete]', '[data-mark-delete]']
      .forEach(function (sel) { q(sel).hidden = !state.canEdit; });
    panel.classList.toggle('gd-readonly', !state.canEdit);
    if (state.canEdit) {
      map.addControl(drawControl);
      note.hidden = true;
      return;
    }
    note.hidden = false;
    note.className = 'gd-access';
    note.textContent = '';
    if (info && info.user) {
      note.appendChild(el('p', null, 'Вы вошли как «' + info.user.login + '» с ролью, которой ' +
        'разрешён только просмотр. Рисовать и менять маршруты и отметки может диспетчер.'));
    } else {
      note.appendChild(el('p', null, 'Чтобы рисовать и менять маршруты и отметки, войдите ' +
        'как диспетчер. Без входа — только просмотр.'));
      var a = el('a', 'gd-button gd-button-primary', 'Войти');
      a.href = P.loginHref();
      a.setAttribute('data-access-login', '');
      note.appendChild(a);
    }
  }

  P.session().then(applyAccess).then(bin.refresh);
  routes.load();
  marks.load();
  routes.loadVehicles();
  return {routes: routesGroup, marks: ed.marksGroup, state: state, reload: function () {
    return Promise.all([routes.load(), marks.load()]);
  }};
}

P.startMapPanel('.gd-editor', start);
