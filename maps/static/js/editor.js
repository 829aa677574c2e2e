/*
 * glonass-dispatch: the route and mark editor (maps/pages/editor.py renders the page).
 *
 *   GlonassEditor.start(config, map, routesGroup, drawControl, sidePanel)
 *
 * Routes: folium's Draw control (Leaflet.draw) draws polylines into `routesGroup`, which also
 * holds the saved routes, so its edit and delete tools work on both. This file listens to
 * Leaflet.draw's events and sends GeoJSON to /api/routes (POST new, PUT changed, DELETE).
 * Marks: a point is placed with one click, a stretch of road or an area with Leaflet.draw's
 * line/polygon handlers; the form sends them to /api/marks.
 * Validation is the server's: its 400 answers name the field, and the message is shown next
 * to that field. Writes carry the CSRF token from /api/session (GlonassPages.sendJSON).
 */
(function (global) {
  'use strict';

  var P = global.GlonassPages, el = P.el;

  /* Leaflet.draw's toolbar and hints in Russian; set on load, before folium builds the
     control, because the toolbar reads these texts when it is created. */
  function russianDraw() {
    if (!global.L || !L.drawLocal) { return; }
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

  var ROUTE_FIELDS = ['passes_required', 'half_width_m', 'assigned_vehicles', 'treatment',
    'priority', 'direction', 'contractor', 'name'];

  function start(config, map, routesGroup, drawControl, panel) {
    var T = P.time(config.timeZone);
    var marksGroup = L.featureGroup().addTo(map);
    var state = {canEdit: false, route: null, mark: null, pending: null, fitted: false,
      vehicles: [], routesLoaded: false};
    var q = function (sel) { return panel.querySelector(sel); };
    var routeForm = q('[data-route-form]'), markForm = q('[data-mark-form]');
    var routeNote = q('[data-route-note]'), markNote = q('[data-mark-note]');
    var hint = el('div', 'gd-map-hint');
    hint.hidden = true;
    hint.setAttribute('data-map-hint', '');
    map.getContainer().appendChild(hint);
    map.removeControl(drawControl);  // back only for those who may edit
    P.scale(map, 'bottomleft');

    /* ------------------------------------------------------------------------ looks */

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
      var w = Math.max(3, weight(p) + 1), draft = !layer.feature || layer.feature.id == null;
      return {color: draft ? '#1f5fa8' : treatment(p).colour, weight: selected ? w + 3 : w,
        opacity: selected ? 1 : 0.85, dashArray: p.direction === 'as_drawn' ? '10 6' : null,
        lineCap: 'round', lineJoin: 'round'};
    }
    function restyle(layer) {
      layer.setStyle(routeStyle(layer, layer === state.route));
      var path = layer.getElement && layer.getElement();
      if (path) {
        path.setAttribute('data-route-id', layer.feature && layer.feature.id != null
          ? String(layer.feature.id) : 'draft');
        path.classList.add('gd-editor-route');
      }
    }
    function routeName(layer) {
      var p = (layer.feature && layer.feature.properties) || {};
      return p.name || (layer.feature && layer.feature.id != null ? 'Маршрут № ' + layer.feature.id
        : 'Новый маршрут (не сохранён)');
    }
    function isSaved(layer) { return !!(layer.feature && layer.feature.id != null); }

    function markStyleOf(p) {
      return P.own(config.markLayers, p.layer) ? config.markLayers[p.layer]
        : config.fallbackMarkLayer;
    }

    /* ----------------------------------------------------------------- errors, notes */

    function clearErrors(form) {
      form.querySelectorAll('[data-field]').forEach(function (f) {
        f.classList.remove('gd-invalid');
        var slot = f.querySelector('[data-error]');
        if (slot) { slot.textContent = ''; }
      });
    }
    function fieldError(form, name, text) {
      var f = form.querySelector('[data-field="' + name + '"]');
      if (!f) { return false; }
      f.classList.add('gd-invalid');
      var slot = f.querySelector('[data-error]');
      if (slot) { slot.textContent = text; }
      return true;
    }
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

    /* ==================================================================== routes */

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
        if (drawing()) { return; }
        L.DomEvent.stopPropagation(e);
        selectRoute(layer);
      });
      layer.bindTooltip(function () { return el('span', null, routeName(layer)); },
        {sticky: true, className: 'gd-tooltip'});
      layer.on('add', function () { restyle(layer); });
    }

    /* Leaflet.draw's edit/delete modes take clicks themselves. */
    function drawing() {
      var tb = drawControl._toolbars || {};
      return !!((tb.edit && tb.edit._activeMode) || (tb.draw && tb.draw._activeMode)) ||
        !!state.pending;
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
          P.km(P.groundLength(layer.getLatLngs()))));
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
      meta.textContent = 'Длина линии ' + P.km(P.groundLength(layer.getLatLngs())) +
        (isSaved(layer) && p.updated_at ? ' · изменён ' + T.format(p.updated_at) : '') +
        (isSaved(layer) ? ' · № ' + layer.feature.id : '');
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
      if (state.mark) { closeMarkEditor(); }
      var previous = state.route;
      state.route = layer;
      if (previous && previous !== layer && routesGroup.hasLayer(previous)) { restyle(previous); }
      restyle(layer);
      layer.bringToFront();
      fillRouteForm(layer);
      q('[data-route-editor]').hidden = false;
      showTab('routes');
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

    function busy(buttons, on) {
      buttons.forEach(function (b) { b.disabled = on; });
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
      }, function (err) { failure(routeNote, err, 'Маршрут'); });
    }

    function cancelRoute() {
      var layer = state.route;
      if (layer && !isSaved(layer)) { routesGroup.removeLayer(layer); }
      closeRouteEditor();
    }

    var resetRouteDelete = armed(q('[data-route-delete]'), 'Удалить', deleteRoute);
    q('[data-route-save]').addEventListener('click', saveRoute);
    q('[data-route-cancel]').addEventListener('click', cancelRoute);
    routeForm.addEventListener('submit', function (e) { e.preventDefault(); saveRoute(); });
    q('[data-new-route]').addEventListener('click', function () {
      if (!state.canEdit) { return; }
      var mode = drawControl._toolbars && drawControl._toolbars.draw._modes.polyline;
      if (mode) { mode.handler.enable(); }
    });

    /* A new line from the toolbar becomes a draft route; a line or area started by the marks
       panel becomes a draft mark instead (folium's own handler has already put it into the
       routes group, so it is taken out again). */
    map.on(L.Draw.Event.CREATED, function (e) {
      if (state.pending) {
        routesGroup.removeLayer(e.layer);
        var pending = state.pending;
        state.pending = null;
        hint.hidden = true;
        draftMark(pending.layer, e.layer.toGeoJSON(7).geometry);
        return;
      }
      if (e.layerType !== 'polyline') { routesGroup.removeLayer(e.layer); return; }
      if (!state.canEdit) { routesGroup.removeLayer(e.layer); return; }
      var layer = e.layer;
      layer.feature = null;
      layer._gdDraftProps = {};
      wireRoute(layer);
      restyle(layer);
      selectRoute(layer);
      P.say(routeNote, 'info', 'Заполните название и свойства и нажмите «Сохранить».');
      routeForm.elements.name.focus();
    });

    map.on(L.Draw.Event.EDITSTART + ' ' + L.Draw.Event.DELETESTART, function () {
      if (state.route) { closeRouteEditor(); }
      if (state.mark) { closeMarkEditor(); }
    });

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
        showTab('routes');
        status('error', 'Не все линии сохранены (' + (err.message || err) + '). Обновите ' +
          'страницу и проверьте.');
      });
    });

    map.on(L.Draw.Event.DELETED, function (e) {
      var calls = [];
      e.layers.eachLayer(function (layer) {
        if (!isSaved(layer)) { return; }
        calls.push(P.sendJSON('DELETE', config.routesUrl + '/' + layer.feature.id)
          .catch(function (err) {
            if (err.status !== 404) {
              routesGroup.addLayer(layer);
              throw err;
            }
          }));
      });
      Promise.all(calls).then(function () {
        if (calls.length) { status('ok', 'Удалено маршрутов: ' + calls.length + '.'); }
        renderRouteList();
      }, function (err) {
        status('error', 'Маршрут не удалён (' + (err.message || err) + ').');
        renderRouteList();
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

    /* ==================================================================== marks */

    function markIcon(p, selected) {
      var style = markStyleOf(p), root = el('div', 'gd-mark' +
        (p.status === 'resolved' ? ' gd-mark-inactive' : '') + (selected ? ' gd-mark-selected' : ''));
      root.setAttribute('data-mark-id', p.id != null ? String(p.id) : 'draft');
      root.setAttribute('data-mark-layer', String(p.layer));
      root.appendChild(P.symbolElement(style.symbol, 26));
      return L.divIcon({className: 'gd-mark-icon', html: root, iconSize: [26, 26],
        iconAnchor: [13, 13]});
    }

    function markLabel(p) {
      return P.own(config.markLayers, p.layer) ? config.markLayers[p.layer].label : p.layer;
    }

    function buildMark(feature) {
      var p = feature.properties || {}, g = feature.geometry, style = markStyleOf(p);
      if (!g) { return null; }
      var layer;
      if (g.type === 'Point') {
        layer = L.marker([g.coordinates[1], g.coordinates[0]], {icon: markIcon(p, false),
          riseOnHover: true, keyboard: true});
      } else {
        var shapes = L.geoJSON(g, {style: function () {
          var area = /Polygon/.test(g.type);
          return {color: style.colour, weight: area ? 2 : 8, opacity: area ? 0.9 : 0.55,
            fillColor: style.colour, fillOpacity: 0.12, dashArray: area ? '6 4' : null,
            lineCap: 'round', className: 'gd-editor-mark-shape'};
        }}).getLayers();
        if (!shapes.length) { return null; }
        layer = shapes[0];
      }
      layer.feature = feature;
      layer.on('click', function (e) {
        if (drawing()) { return; }
        L.DomEvent.stopPropagation(e);
        selectMark(layer);
      });
      layer.bindTooltip(function () {
        return el('span', null, markLabel(p) + (p.text ? ': ' + p.text.slice(0, 60) : ''));
      }, {className: 'gd-tooltip', direction: 'top'});
      return layer;
    }

    function markSaved(layer) { return !!(layer.feature && layer.feature.id != null); }

    function highlightMark(layer, on) {
      var p = layer.feature.properties || {};
      if (layer instanceof L.Marker) {
        layer.setIcon(markIcon(p, on));
        if (layer.dragging) {
          if (on && state.canEdit) { layer.dragging.enable(); } else { layer.dragging.disable(); }
        }
      } else if (layer.setStyle) {
        layer.setStyle({weight: on ? (/Polygon/.test(layer.feature.geometry.type) ? 4 : 11)
          : (/Polygon/.test(layer.feature.geometry.type) ? 2 : 8)});
      }
    }

    function renderMarkList() {
      var list = q('[data-mark-list]');
      list.textContent = '';
      var layers = [];
      marksGroup.eachLayer(function (l) { layers.push(l); });
      layers.sort(function (a, b) {
        var pa = a.feature.properties, pb = b.feature.properties;
        return ((pa.status === 'resolved') - (pb.status === 'resolved')) ||
          ((b.feature.id || 1e12) - (a.feature.id || 1e12));
      });
      layers.forEach(function (layer) {
        var p = layer.feature.properties;
        var li = el('li');
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(layer === state.mark));
        li.setAttribute('data-mark-item', markSaved(layer) ? String(layer.feature.id) : 'draft');
        li.appendChild(P.symbolElement(markStyleOf(p).symbol, 18));
        li.appendChild(el('span', 'gd-list-main', p.text ? p.text : markLabel(p)));
        li.appendChild(el('span', 'gd-list-aside gd-mark-status-' + String(p.status || '')
          .replace(/[^a-z_]/g, ''), markSaved(layer) ? (config.markStatuses[p.status] || p.status)
          : 'не сохранена'));
        li.addEventListener('click', function () {
          selectMark(layer);
          if (layer.getLatLng) { map.panTo(layer.getLatLng()); }
          else { map.fitBounds(layer.getBounds(), {maxZoom: 16, padding: [40, 40]}); }
        });
        list.appendChild(li);
      });
      var open = layers.filter(function (l) {
        return markSaved(l) && l.feature.properties.status !== 'resolved';
      }).length;
      q('[data-mark-count]').textContent = 'действующих ' + open + ' из ' +
        layers.filter(markSaved).length;
    }

    function fillMarkForm(layer) {
      var p = layer.feature.properties, f = markForm.elements;
      f.text.value = p.text || '';
      f.status.value = p.status || 'open';
      f.valid_from.value = T.toInput(p.valid_from);
      f.valid_to.value = T.toInput(p.valid_to);
      f.public.checked = p.public === true;
      q('[data-mark-layer-label]').textContent = markLabel(p);
      markForm.querySelector('[data-field="text"] [data-caption]').textContent =
        P.own(config.textCaptions, p.layer) ? config.textCaptions[p.layer] : 'Описание';
      clearErrors(markForm);
      P.say(markNote, 'info', '');
      q('[data-mark-title]').textContent = markSaved(layer) ? markLabel(p) + ' № ' +
        layer.feature.id : 'Новая отметка: ' + markLabel(p).toLowerCase();
      q('[data-mark-delete]').hidden = !state.canEdit;
      q('[data-mark-close]').hidden = !state.canEdit || !markSaved(layer) ||
        p.status === 'resolved';
      var meta = [];
      if (p.created_by) { meta.push('создал(а) ' + p.created_by + ', ' + T.format(p.created_at)); }
      if (p.updated_by && p.updated_at) {
        meta.push('изменил(а) ' + p.updated_by + ', ' + T.format(p.updated_at));
      }
      if (layer instanceof L.Marker && state.canEdit) { meta.push('значок можно перетащить'); }
      q('[data-mark-meta]').textContent = meta.join(' · ');
    }

    function selectMark(layer) {
      if (state.route) { closeRouteEditor(); }
      if (state.mark && state.mark !== layer) {
        if (!markSaved(state.mark)) { marksGroup.removeLayer(state.mark); }
        else { highlightMark(state.mark, false); }
      }
      state.mark = layer;
      highlightMark(layer, true);
      fillMarkForm(layer);
      q('[data-mark-editor]').hidden = false;
      showTab('marks');
      renderMarkList();
    }

    function closeMarkEditor() {
      var layer = state.mark;
      state.mark = null;
      if (layer) {
        if (!markSaved(layer)) { marksGroup.removeLayer(layer); }
        else if (marksGroup.hasLayer(layer)) {
          highlightMark(layer, false);
          if (layer._gdOrigin) { layer.setLatLng(layer._gdOrigin); }
        }
      }
      q('[data-mark-editor]').hidden = true;
      resetMarkDelete();
      renderMarkList();
    }

    function markGeometry(layer) {
      if (layer instanceof L.Marker) {
        var ll = layer.getLatLng();
        return {type: 'Point', coordinates: [Number(ll.lng.toFixed(7)), Number(ll.lat.toFixed(7))]};
      }
      return layer.feature.geometry;
    }

    function readMarkForm(layer) {
      var f = markForm.elements, p = layer.feature.properties;
      function when(input) {
        var t = T.fromInput(input.value);
        return t === null ? (input.value ? input.value : null) : T.iso(t);
      }
      return {layer: p.layer, text: f.text.value, status: f.status.value,
        valid_from: when(f.valid_from), valid_to: when(f.valid_to), public: f.public.checked};
    }

    var MARK_MESSAGES = {
      text: 'Текст — не длиннее 2000 знаков.',
      status: 'Выберите статус из списка.',
      valid_from: 'Укажите дату и время полностью.',
      valid_to: 'Укажите дату и время полностью; «по» не раньше, чем «с».',
      public: 'Отметьте или снимите флажок.',
      geometry: 'Такая геометрия не подходит для этого слоя.',
      layer: 'Неизвестный слой отметок.'
    };

    function showMarkError(err) {
      if (err && err.status === 400) {
        var name = err.detail && err.detail.field;
        var shown = name && fieldError(markForm, name, MARK_MESSAGES[name] || err.message);
        noteWithDetail(markNote, 'error', shown ? 'Сервер не принял отметку: исправьте ' +
          'отмеченное поле.' : 'Сервер не принял отметку.', 'сервер: ' + err.message);
        return;
      }
      failure(markNote, err, 'Отметка');
    }

    function saveMark(statusOverride) {
      var layer = state.mark;
      if (!layer || !state.canEdit) { return; }
      clearErrors(markForm);
      var props = readMarkForm(layer);
      if (statusOverride) { props.status = statusOverride; }
      var body = {type: 'Feature', geometry: markGeometry(layer), properties: props};
      var saved = markSaved(layer);
      var buttons = [q('[data-mark-save]'), q('[data-mark-close]'), q('[data-mark-delete]')];
      busy(buttons, true);
      P.say(markNote, 'busy', 'Сохранение…');
      var call = saved ? P.sendJSON('PUT', config.marksUrl + '/' + layer.feature.id, body)
        : P.sendJSON('POST', config.marksUrl, body);
      call.then(function (feature) {
        marksGroup.removeLayer(layer);
        var fresh = buildMark(feature);
        marksGroup.addLayer(fresh);
        state.mark = null;
        selectMark(fresh);
        P.say(markNote, 'ok', statusOverride === 'resolved' ? 'Отметка закрыта.'
          : (saved ? 'Изменения сохранены.' : 'Отметка сохранена (№ ' + feature.id + ').'));
      }, showMarkError).then(function () { busy(buttons, false); });
    }

    function deleteMark() {
      var layer = state.mark;
      if (!layer || !state.canEdit) { return; }
      if (!markSaved(layer)) { closeMarkEditor(); return; }
      P.say(markNote, 'busy', 'Удаление…');
      P.sendJSON('DELETE', config.marksUrl + '/' + layer.feature.id).then(function () {
        state.mark = null;
        marksGroup.removeLayer(layer);
        q('[data-mark-editor]').hidden = true;
        renderMarkList();
      }, function (err) { failure(markNote, err, 'Отметка'); });
    }

    var resetMarkDelete = armed(q('[data-mark-delete]'), 'Удалить', deleteMark);
    q('[data-mark-save]').addEventListener('click', function () { saveMark(null); });
    q('[data-mark-close]').addEventListener('click', function () { saveMark('resolved'); });
    q('[data-mark-cancel]').addEventListener('click', closeMarkEditor);
    markForm.addEventListener('submit', function (e) { e.preventDefault(); saveMark(null); });

    function draftMark(layerName, geometry) {
      var feature = {type: 'Feature', id: null, geometry: geometry,
        properties: {layer: layerName, status: 'open', text: '', public: false}};
      var layer = buildMark(feature);
      if (!layer) { return; }
      marksGroup.addLayer(layer);
      selectMark(layer);
      if (layer instanceof L.Marker && layer.dragging) { layer.dragging.enable(); }
      P.say(markNote, 'info', 'Опишите отметку и нажмите «Сохранить».');
      markForm.elements.text.focus();
    }

    var toolSelect = q('[data-new-mark-tool]'), layerSelect = q('[data-new-mark-layer]');
    function fillTools() {
      var tools = config.markTools[layerSelect.value] || ['point'];
      toolSelect.textContent = '';
      tools.forEach(function (t) {
        var o = el('option', null, config.toolLabels[t] || t);
        o.value = t;
        toolSelect.appendChild(o);
      });
      toolSelect.disabled = tools.length < 2;
    }
    layerSelect.addEventListener('change', fillTools);
    fillTools();

    function cancelPending() {
      if (!state.pending) { return; }
      if (state.pending.handler) { state.pending.handler.disable(); }
      map.getContainer().classList.remove('gd-placing');
      map.off('click', placePoint);
      state.pending = null;
      hint.hidden = true;
    }

    function placePoint(e) {
      var pending = state.pending;
      cancelPending();
      if (pending) {
        draftMark(pending.layer, {type: 'Point', coordinates: [Number(e.latlng.lng.toFixed(7)),
          Number(e.latlng.lat.toFixed(7))]});
      }
    }

    q('[data-new-mark]').addEventListener('click', function () {
      if (!state.canEdit) { return; }
      cancelPending();
      if (state.mark) { closeMarkEditor(); }
      var layer = layerSelect.value, tool = toolSelect.value || 'point';
      var colour = markStyleOf({layer: layer}).colour;
      state.pending = {layer: layer, tool: tool, handler: null};
      hint.hidden = false;
      if (tool === 'point') {
        hint.textContent = 'Щёлкните на карте, где поставить отметку. Esc — отмена.';
        map.getContainer().classList.add('gd-placing');
        setTimeout(function () { map.on('click', placePoint); }, 0);
      } else {
        var Handler = tool === 'polygon' ? L.Draw.Polygon : L.Draw.Polyline;
        hint.textContent = tool === 'polygon' ? 'Обведите контур щелчками; замкните его ' +
          'щелчком по первой точке. Esc — отмена.' : 'Проведите участок дороги щелчками; ' +
          'закончите щелчком по последней точке. Esc — отмена.';
        state.pending.handler = new Handler(map, {shapeOptions: {color: colour, weight: 4},
          showLength: true, metric: true, feet: false, allowIntersection: false});
        state.pending.handler.enable();
      }
    });
    map.on(L.Draw.Event.DRAWSTOP, function () {
      if (state.pending && state.pending.tool !== 'point') {
        state.pending = null;
        hint.hidden = true;
      }
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && state.pending) { cancelPending(); }
    });

    marksGroup.on('dragstart', function (e) {
      var layer = e.layer || e.target;
      if (layer && !layer._gdOrigin && layer.getLatLng) { layer._gdOrigin = layer.getLatLng(); }
    });
    marksGroup.on('dragend', function () {
      if (state.mark && markSaved(state.mark)) {
        P.say(markNote, 'info', 'Значок перемещён — нажмите «Сохранить».');
      }
    });

    function loadMarks() {
      return P.getJSON(config.marksUrl).then(function (data) {
        marksGroup.clearLayers();
        state.mark = null;
        (data.features || []).forEach(function (f) {
          var layer = buildMark(f);
          if (layer) { marksGroup.addLayer(layer); }
        });
        renderMarkList();
      }, function (err) {
        P.say(markNote, 'error', 'Отметки не загрузились: ' + (err.message || err));
      });
    }

    /* ================================================================ access */

    function applyAccess(info) {
      state.canEdit = P.canEdit(info, config.editorRoles);
      var note = q('[data-access]');
      panel.querySelectorAll('fieldset').forEach(function (f) { f.disabled = !state.canEdit; });
      ['[data-new-route]', '[data-new-mark]', '[data-route-save]', '[data-mark-save]',
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

    P.session().then(applyAccess);
    loadRoutes();
    loadMarks();
    loadVehicles();
    return {routes: routesGroup, marks: marksGroup, state: state, reload: function () {
      return Promise.all([loadRoutes(), loadMarks()]);
    }};
  }

  global.GlonassEditor = {start: start};
}(window));
