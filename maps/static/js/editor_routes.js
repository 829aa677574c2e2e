/*
 * glonass-dispatch: the routes tab of the editor (maps/static/js/editor.js starts it).
 *
 *   attach(editor) -> {load, loadVehicles, close, created, render, status}
 *
 * folium's Draw control (Leaflet.draw) draws polylines into `routesGroup`, which also holds the
 * saved routes, so its edit and delete tools work on both; this sends GeoJSON to /api/routes
 * (POST new, PUT changed, DELETE) and keeps the list, the form and the line styles in step.
 * The delete tool's confirmation and the bin of deleted routes are editor_bin.js.
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';

var ROUTE_FIELDS = ['passes_required', 'half_width_m', 'assigned_vehicles', 'treatment',
  'priority', 'direction', 'contractor', 'name'];

function attach(ed) {
  var config = ed.config, map = ed.map, routesGroup = ed.routesGroup, state = ed.state;
  var drawControl = ed.drawControl;
  var q = ed.q, T = ed.T, clearErrors = ed.clearErrors, fieldError = ed.fieldError;
  var noteWithDetail = ed.noteWithDetail, failure = ed.failure, busy = ed.busy;
  var isSaved = ed.isSaved;
  var routeForm = q('[data-route-form]'), routeNote = q('[data-route-note]');

  function treatment(p) {
    return P.own(config.treatments, p.treatment) ? config.treatments[p.treatment]
      : config.fallbackTreatment;
  }
  function weight(p) {
    var key = String(p.priority);
    return P.own(config.priorities, key) ? config.priorities[key].weight
      : config.fallbackPriority.weight;
  }
  function routeStyle(layer, selected) {
    var p = (layer.feature && layer.feature.properties) || {};
    var w = Math.max(3, weight(p) + 1), draft = !isSaved(layer);
    return {color: draft ? '#1f5fa8' : treatment(p).colour, weight: selected ? w + 3 : w,
      opacity: selected ? 1 : 0.85, dashArray: p.direction === 'as_drawn' ? '10 6' : null,
      lineCap: 'round', lineJoin: 'round'};
  }
  function restyle(layer) {
    layer.setStyle(routeStyle(layer, layer === state.route));
    var path = layer.getElement && layer.getElement();
    if (path) {
      path.setAttribute('data-route-id', isSaved(layer) ? String(layer.feature.id) : 'draft');
      path.classList.add('gd-editor-route');
    }
  }
  function routeName(layer) {
    var p = (layer.feature && layer.feature.properties) || {};
    return p.name || (isSaved(layer) ? 'Маршрут № ' + layer.feature.id
      : 'Новый маршрут (не сохранён)');
  }

  function lineGeometry(layer) {
    var g = layer.toGeoJSON(7).geometry;
    return {type: 'LineString', coordinates: g.coordinates};
  }

  function routeLayer(feature) {
    var coords = (feature.geometry && feature.geometry.coordinates) || [];
    if (!feature.geometry || feature.geometry.type !== 'LineString' || coords.length < 2) {
      return null;
    }
    var layer = L.polyline(coords.map(function (c) { return [c[1], c[0]]; }));
    layer.feature = feature;
    wireRoute(layer);
    return layer;
  }

  function wireRoute(layer) {
    layer.on('click', function (e) {
      if (ed.drawing()) { return; }
      L.DomEvent.stopPropagation(e);
      selectRoute(layer);
    });
    layer.bindTooltip(function () { return el('span', null, routeName(layer)); },
      {sticky: true, className: 'gd-tooltip'});
    layer.on('add', function () { restyle(layer); });
  }

  function routeLayers() {
    var out = [];
    routesGroup.eachLayer(function (l) { if (l instanceof L.Polyline) { out.push(l); } });
    return out;
  }

  function renderRouteList() {
    var list = q('[data-route-list]');
    list.textContent = '';
    var layers = routeLayers().sort(function (a, b) {
      return (isSaved(a) ? 1 : 0) - (isSaved(b) ? 1 : 0) ||
        routeName(a).localeCompare(routeName(b), 'ru');
    });
    layers.forEach(function (layer) {
      var p = (layer.feature && layer.feature.properties) || {};
      var li = el('li');
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(layer === state.route));
      li.setAttribute('data-route-item', isSaved(layer) ? String(layer.feature.id) : 'draft');
      var sw = el('span', 'gd-swatch-line' + (p.direction === 'as_drawn' ? ' gd-dashed' : ''));
      sw.style.setProperty('--gd-colour', isSaved(layer) ? treatment(p).colour : '#1f5fa8');
      li.appendChild(sw);
      li.appendChild(el('span', 'gd-list-main', routeName(layer)));
      li.appendChild(el('span', 'gd-list-aside',
        F.km(P.groundLength(layer.getLatLngs()))));
      li.addEventListener('click', function () {
        selectRoute(layer);
        map.fitBounds(layer.getBounds(), {maxZoom: 16, padding: [40, 40]});
      });
      list.appendChild(li);
    });
    var saved = layers.filter(isSaved).length;
    q('[data-route-count]').textContent = state.routesLoaded ? 'всего ' + saved : 'загрузка…';
  }

  function fillVehicles(selected) {
    var select = routeForm.elements.assigned_vehicles;
    var ids = (selected || []).map(Number);
    select.textContent = '';
    var known = {};
    state.vehicles.forEach(function (v) {
      known[v.id] = true;
      var o = el('option', null, v.label);
      o.value = String(v.id);
      o.selected = ids.indexOf(v.id) >= 0;
      select.appendChild(o);
    });
    ids.forEach(function (id) {
      if (known[id]) { return; }
      var o = el('option', null, 'машина № ' + id);
      o.value = String(id);
      o.selected = true;
      select.appendChild(o);
    });
  }

  function fillContractors() {
    var seen = {}, list = document.getElementById('gd-contractors');
    state.vehicles.forEach(function (v) { if (v.contractor) { seen[v.contractor] = true; } });
    routeLayers().forEach(function (l) {
      var c = l.feature && l.feature.properties && l.feature.properties.contractor;
      if (c) { seen[c] = true; }
    });
    list.textContent = '';
    Object.keys(seen).sort().forEach(function (c) {
      var o = el('option');
      o.value = c;
      list.appendChild(o);
    });
  }

  function fillRouteForm(layer) {
    var p = isSaved(layer) ? layer.feature.properties : (layer._gdDraftProps || {});
    var f = routeForm.elements;
    f.name.value = p.name || '';
    f.treatment.value = p.treatment || 'plough';
    f.priority.value = String(p.priority || 2);
    f.passes_required.value = p.passes_required != null ? p.passes_required : 1;
    f.direction.value = p.direction || 'both';
    f.half_width_m.value = p.half_width_m != null ? p.half_width_m : 20;
    f.contractor.value = p.contractor || '';
    fillVehicles(p.assigned_vehicles || []);
    fillContractors();
    clearErrors(routeForm);
    P.say(routeNote, 'info', '');
    q('[data-route-title]').textContent = isSaved(layer) ? routeName(layer) : 'Новый маршрут';
    q('[data-route-delete]').hidden = !state.canEdit;
    var meta = q('[data-route-meta]');
    meta.textContent = 'Длина линии ' + F.km(P.groundLength(layer.getLatLngs())) +
      (isSaved(layer) && p.updated_at ? ' · изменён ' + T.format(p.updated_at) : '') +
      (isSaved(layer) ? ' · № ' + layer.feature.id + ', версия ' + p.version : '');
  }

  function number(input) {
    if (input.value === '') { return input.validity && input.validity.badInput ? NaN : null; }
    return Number(input.value);
  }

  function readRouteForm() {
    var f = routeForm.elements;
    var vehicles = Array.prototype.filter.call(f.assigned_vehicles.options, function (o) {
      return o.selected;
    }).map(function (o) { return Number(o.value); });
    var props = {name: f.name.value.trim(), treatment: f.treatment.value,
      priority: Number(f.priority.value), passes_required: number(f.passes_required),
      direction: f.direction.value, half_width_m: number(f.half_width_m),
      contractor: f.contractor.value.trim() || null, assigned_vehicles: vehicles};
    ['passes_required', 'half_width_m'].forEach(function (k) {
      if (typeof props[k] === 'number' && isNaN(props[k])) { props[k] = f[k].value; }
    });
    return props;
  }

  var ROUTE_MESSAGES = {
    name: 'Введите название маршрута.',
    treatment: 'Выберите вид работ из списка.',
    priority: 'Очерёдность — 1, 2 или 3.',
    passes_required: 'Число проходов — целое от 1 до ' + config.limits.passes + '.',
    direction: 'Выберите направление из списка.',
    half_width_m: 'Коридор — число метров больше 0 и не больше ' + config.limits.halfWidth + '.',
    assigned_vehicles: 'Проверьте закреплённую технику.',
    contractor: 'Подрядчик — название текстом.'
  };

  function showRouteError(err) {
    if (err && err.status === 400) {
      var problem = String((err.detail && err.detail.problem) || err.message || '');
      var name = null;
      ROUTE_FIELDS.some(function (k) {
        if (problem.indexOf(k) >= 0) { name = k; return true; }
        return false;
      });
      if (name) { fieldError(routeForm, name, ROUTE_MESSAGES[name]); }
      noteWithDetail(routeNote, 'error', name ? 'Сервер не принял маршрут: исправьте ' +
        'отмеченное поле.' : 'Сервер не принял линию маршрута: нарисуйте её заново ' +
        '(нужны хотя бы две разные точки).', 'сервер: ' + problem);
      return;
    }
    failure(routeNote, err, 'Маршрут');
  }

  function selectRoute(layer) {
    if (state.mark) { ed.marks.close(); }
    var previous = state.route;
    state.route = layer;
    if (previous && previous !== layer && routesGroup.hasLayer(previous)) { restyle(previous); }
    restyle(layer);
    layer.bringToFront();
    fillRouteForm(layer);
    q('[data-route-editor]').hidden = false;
    ed.showTab('routes');
    renderRouteList();
  }

  function closeRouteEditor() {
    var layer = state.route;
    state.route = null;
    if (layer && routesGroup.hasLayer(layer)) { restyle(layer); }
    q('[data-route-editor]').hidden = true;
    resetRouteDelete();
    renderRouteList();
  }

  function saveRoute() {
    var layer = state.route;
    if (!layer || !state.canEdit) { return; }
    clearErrors(routeForm);
    var props = readRouteForm();
    if (!props.name) {
      fieldError(routeForm, 'name', ROUTE_MESSAGES.name);
      P.say(routeNote, 'error', 'Маршрут не сохранён: у него нет названия.');
      routeForm.elements.name.focus();
      return;
    }
    var body = {type: 'Feature', geometry: lineGeometry(layer), properties: props};
    var saved = isSaved(layer);
    var buttons = [q('[data-route-save]'), q('[data-route-delete]')];
    busy(buttons, true);
    P.say(routeNote, 'busy', 'Сохранение…');
    var call = saved ? P.sendJSON('PUT', config.routesUrl + '/' + layer.feature.id, body)
      : P.sendJSON('POST', config.routesUrl, body);
    call.then(function (feature) {
      layer.feature = feature;
      layer._gdDraftProps = null;
      restyle(layer);
      fillRouteForm(layer);
      var warnings = feature.warnings || [];
      if (warnings.length) {
        noteWithDetail(routeNote, 'warn', 'Маршрут сохранён, но часть линии за пределами ' +
          'города — проверьте, та ли это улица.', warnings.join('; '));
      } else {
        P.say(routeNote, 'ok', saved ? 'Изменения сохранены.' : 'Маршрут сохранён (№ ' +
          feature.id + '). Его видят все диспетчеры.');
      }
      renderRouteList();
    }, showRouteError).then(function () { busy(buttons, false); });
  }

  function deleteRoute() {
    var layer = state.route;
    if (!layer || !state.canEdit) { return; }
    if (!isSaved(layer)) {
      routesGroup.removeLayer(layer);
      closeRouteEditor();
      return;
    }
    P.say(routeNote, 'busy', 'Удаление…');
    P.sendJSON('DELETE', config.routesUrl + '/' + layer.feature.id).then(function () {
      routesGroup.removeLayer(layer);
      closeRouteEditor();
      status('ok', 'Маршрут удалён. Восстановить — в списке «Удалённые».');
      ed.bin.refresh();
    }, function (err) { failure(routeNote, err, 'Маршрут'); });
  }

  function cancelRoute() {
    var layer = state.route;
    if (layer && !isSaved(layer)) { routesGroup.removeLayer(layer); }
    closeRouteEditor();
  }

  q('[data-new-route]').addEventListener('click', function () {
    if (!state.canEdit) { return; }
    var mode = drawControl._toolbars && drawControl._toolbars.draw._modes.polyline;
    if (mode) { mode.handler.enable(); }
  });

  /* A line drawn with the toolbar becomes a draft route (other shapes are not routes). */
  function created(e) {
    if (e.layerType !== 'polyline' || !state.canEdit) { routesGroup.removeLayer(e.layer); return; }
    var layer = e.layer;
    layer.feature = null;
    layer._gdDraftProps = {};
    wireRoute(layer);
    restyle(layer);
    selectRoute(layer);
    P.say(routeNote, 'info', 'Заполните название и свойства и нажмите «Сохранить».');
    routeForm.elements.name.focus();
  }

  map.on(L.Draw.Event.EDITED, function (e) {
    var calls = [];
    e.layers.eachLayer(function (layer) {
      if (!isSaved(layer)) { return; }
      calls.push(P.sendJSON('PUT', config.routesUrl + '/' + layer.feature.id,
        {type: 'Feature', geometry: lineGeometry(layer)}).then(function (feature) {
        layer.feature = feature;
        restyle(layer);
      }));
    });
    if (!calls.length) { return; }
    P.say(routeNote, 'busy', 'Сохранение линий…');
    Promise.all(calls).then(function () {
      status('ok', 'Линии сохранены: ' + calls.length + '.');
      renderRouteList();
    }, function (err) {
      ed.showTab('routes');
      status('error', 'Не все линии сохранены (' + (err.message || err) + '). Обновите ' +
        'страницу и проверьте.');
    });
  });

  /* A line on the routes tab above the list, for results of toolbar actions. */
  var toolbarNote = el('div', 'gd-note');
  toolbarNote.hidden = true;
  toolbarNote.setAttribute('data-toolbar-note', '');
  q('[data-route-list]').parentNode.parentNode.appendChild(toolbarNote);
  function status(kind, text) { P.say(toolbarNote, kind, text); }

  function loadRoutes() {
    return P.getJSON(config.routesUrl).then(function (data) {
      var layers = routeLayers().filter(isSaved);
      layers.forEach(function (l) { routesGroup.removeLayer(l); });
      (data.features || []).forEach(function (f) {
        var layer = routeLayer(f);
        if (layer) { routesGroup.addLayer(layer); }
      });
      state.routesLoaded = true;
      renderRouteList();
      if (!state.fitted) {
        state.fitted = true;
        var b = routesGroup.getBounds();
        if (b.isValid()) { map.fitBounds(b, {padding: [30, 30], maxZoom: 15}); }
      }
    }, function (err) {
      status('error', 'Маршруты не загрузились: ' + (err.message || err));
    });
  }

  function loadVehicles() {
    return P.getJSON(config.vehiclesUrl).then(function (data) {
      state.vehicles = (data.features || []).map(function (f) {
        var p = f.properties || {};
        return {id: Number(p.id), contractor: p.contractor || null,
          label: (p.name || ('№ ' + p.id)) + (p.plate ? ' · ' + p.plate : '')};
      }).sort(function (a, b) { return a.label.localeCompare(b.label, 'ru'); });
      if (state.route) { fillVehicles(readRouteForm().assigned_vehicles); }
    }, function () { state.vehicles = []; });
  }

  var resetRouteDelete = ed.armed(q('[data-route-delete]'), 'Удалить', deleteRoute);
  q('[data-route-save]').addEventListener('click', saveRoute);
  q('[data-route-cancel]').addEventListener('click', cancelRoute);
  routeForm.addEventListener('submit', function (e) { e.preventDefault(); saveRoute(); });

  return {load: loadRoutes, loadVehicles: loadVehicles, close: closeRouteEditor,
    created: created, render: renderRouteList, status: status};
}

export {attach};
