/*
 * glonass-dispatch: the marks tab of the editor (maps/static/js/editor.js starts it).
 *
 *   attach(editor) -> {load, close, drawn}
 *
 * A point is placed with one click, a stretch of road or an area with Leaflet.draw's line and
 * polygon handlers (``drawn`` takes the shape when it is finished); the form sends the mark to
 * /api/marks. Marks live in their own layer group, apart from the routes the Draw control edits.
 */
import * as P from './pages.js';
import {el} from './dom.js';


function attach(ed) {
  var config = ed.config, map = ed.map, marksGroup = ed.marksGroup, state = ed.state;
  var q = ed.q, T = ed.T, hint = ed.hint, clearErrors = ed.clearErrors;
  var fieldError = ed.fieldError, noteWithDetail = ed.noteWithDetail, failure = ed.failure;
  var busy = ed.busy, isSaved = ed.isSaved;
  var markForm = q('[data-mark-form]'), markNote = q('[data-mark-note]');

  function markStyleOf(p) {
    return P.own(config.markLayers, p.layer) ? config.markLayers[p.layer]
      : config.fallbackMarkLayer;
  }

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
      if (ed.drawing()) { return; }
      L.DomEvent.stopPropagation(e);
      selectMark(layer);
    });
    layer.bindTooltip(function () {
      return el('span', null, markLabel(p) + (p.text ? ': ' + p.text.slice(0, 60) : ''));
    }, {className: 'gd-tooltip', direction: 'top'});
    return layer;
  }

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
      li.setAttribute('data-mark-item', isSaved(layer) ? String(layer.feature.id) : 'draft');
      li.appendChild(P.symbolElement(markStyleOf(p).symbol, 18));
      li.appendChild(el('span', 'gd-list-main', p.text ? p.text : markLabel(p)));
      li.appendChild(el('span', 'gd-list-aside gd-mark-status-' + String(p.status || '')
        .replace(/[^a-z_]/g, ''), isSaved(layer) ? (config.markStatuses[p.status] || p.status)
        : 'не сохранена'));
      li.addEventListener('click', function () {
        selectMark(layer);
        if (layer.getLatLng) { map.panTo(layer.getLatLng()); }
        else { map.fitBounds(layer.getBounds(), {maxZoom: 16, padding: [40, 40]}); }
      });
      list.appendChild(li);
    });
    var open = layers.filter(function (l) {
      return isSaved(l) && l.feature.properties.status !== 'resolved';
    }).length;
    q('[data-mark-count]').textContent = 'действующих ' + open + ' из ' +
      layers.filter(isSaved).length;
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
    q('[data-mark-title]').textContent = isSaved(layer) ? markLabel(p) + ' № ' +
      layer.feature.id : 'Новая отметка: ' + markLabel(p).toLowerCase();
    q('[data-mark-delete]').hidden = !state.canEdit;
    q('[data-mark-close]').hidden = !state.canEdit || !isSaved(layer) ||
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
    if (state.route) { ed.routes.close(); }
    if (state.mark && state.mark !== layer) {
      if (!isSaved(state.mark)) { marksGroup.removeLayer(state.mark); }
      else { highlightMark(state.mark, false); }
    }
    state.mark = layer;
    highlightMark(layer, true);
    fillMarkForm(layer);
    q('[data-mark-editor]').hidden = false;
    ed.showTab('marks');
    renderMarkList();
  }

  function closeMarkEditor() {
    var layer = state.mark;
    state.mark = null;
    if (layer) {
      if (!isSaved(layer)) { marksGroup.removeLayer(layer); }
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
    var saved = isSaved(layer);
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
    if (!isSaved(layer)) { closeMarkEditor(); return; }
    P.say(markNote, 'busy', 'Удаление…');
    P.sendJSON('DELETE', config.marksUrl + '/' + layer.feature.id).then(function () {
      state.mark = null;
      marksGroup.removeLayer(layer);
      q('[data-mark-editor]').hidden = true;
      renderMarkList();
      ed.bin.refresh();
    }, function (err) { failure(markNote, err, 'Отметка'); });
  }

  var resetMarkDelete = ed.armed(q('[data-mark-delete]'), 'Удалить', deleteMark);
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
      // At once: the button is outside the map, so its own click never reaches the map,
      // and a timer could fire after the user's next click (input goes before timers).
      map.on('click', placePoint);
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
    if (state.mark && isSaved(state.mark)) {
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

  /* A line or area started from this panel and finished: the draft mark's geometry. */
  function drawn(pending, geometry) {
    hint.hidden = true;
    draftMark(pending.layer, geometry);
  }

  return {load: loadMarks, close: closeMarkEditor, drawn: drawn};
}

export {attach};
