/*
 * glonass-dispatch: the editor's bin (maps/static/js/editor.js starts it after the two tabs).
 *
 *   attach(ed) -> {refresh}
 *
 * A delete on the server is soft: the route or mark goes to the bin with who deleted it and
 * when. Each tab shows its bin (GET ?deleted=true) with a «Восстановить» button per item
 * (POST .../{id}/restore). Leaflet.draw's delete tool («Удалить все», or several lines clicked
 * and saved) asks first, naming how many routes go, and puts them back if the answer is no.
 */
import * as P from './pages.js';
import {el} from './dom.js';


/* «1 маршрут», «3 маршрута», «26 маршрутов». */
function routesCount(n) {
  var tens = n % 100, ones = n % 10;
  var word = tens >= 11 && tens <= 14 ? 'маршрутов' : ones === 1 ? 'маршрут'
    : ones >= 2 && ones <= 4 ? 'маршрута' : 'маршрутов';
  return n + ' ' + word;
}

function attach(ed) {
  var config = ed.config, state = ed.state, routesGroup = ed.routesGroup, map = ed.map;
  var kinds = {
    routes: {url: config.routesUrl, reload: function () { return ed.routes.load(); },
      title: function (p) { return p.name || 'Маршрут № ' + p.id; }},
    marks: {url: config.marksUrl, reload: function () { return ed.marks.load(); },
      title: function (p) {
        var layer = P.own(config.markLayers, p.layer) ? config.markLayers[p.layer].label
          : p.layer;
        return layer + (p.text ? ': ' + p.text : '');
      }}
  };

  function box(kind) { return ed.q('[data-bin="' + kind + '"]'); }

  function item(kind, feature) {
    var p = feature.properties || {};
    var li = el('li');
    li.setAttribute('data-bin-item', String(feature.id));
    li.appendChild(el('span', 'gd-list-main', kinds[kind].title(p)));
    li.appendChild(el('span', 'gd-list-aside', 'удалён(а) ' + ed.T.format(p.deleted_at) +
      (p.deleted_by ? ', ' + p.deleted_by : '')));
    if (state.canEdit) {
      var button = el('button', 'gd-button', 'Восстановить');
      button.type = 'button';
      button.setAttribute('data-restore', String(feature.id));
      button.addEventListener('click', function () { restore(kind, feature, button); });
      li.appendChild(button);
    }
    return li;
  }

  function render(kind, features) {
    var node = box(kind), list = node.querySelector('[data-bin-list]');
    node.querySelector('[data-bin-count]').textContent = String(features.length);
    list.textContent = '';
    features.forEach(function (f) { list.appendChild(item(kind, f)); });
    if (!features.length) { list.appendChild(el('li', 'gd-hint', 'Корзина пуста.')); }
  }

  function load(kind) {
    return P.getJSON(kinds[kind].url + '?deleted=true').then(function (data) {
      render(kind, data.features || []);
    }, function (err) {
      P.say(box(kind).querySelector('[data-bin-note]'), 'error',
        'Корзина не загрузилась: ' + (err.message || err));
    });
  }

  function restore(kind, feature, button) {
    var note = box(kind).querySelector('[data-bin-note]');
    button.disabled = true;
    P.sendJSON('POST', kinds[kind].url + '/' + feature.id + '/restore').then(function () {
      P.say(note, 'ok', 'Восстановлено: ' + kinds[kind].title(feature.properties || {}) + '.');
      return Promise.all([kinds[kind].reload(), load(kind)]);
    }, function (err) {
      button.disabled = false;
      ed.failure(note, err, kind === 'routes' ? 'Маршрут' : 'Отметка');
    });
  }

  function refresh() { return Promise.all([load('routes'), load('marks')]); }

  /* The toolbar's delete tool has already taken the lines off the map when it reports them:
     a «no» puts them back, a «yes» sends one DELETE per route. */
  map.on(L.Draw.Event.DELETED, function (e) {
    var saved = [];
    e.layers.eachLayer(function (layer) { if (ed.isSaved(layer)) { saved.push(layer); } });
    if (!saved.length) { return; }
    var question = 'Удалить ' + routesCount(saved.length) + '? Их можно будет восстановить ' +
      'из списка «Удалённые».';
    if (!window.confirm(question)) {
      saved.forEach(function (layer) { routesGroup.addLayer(layer); });
      ed.routes.render();
      ed.routes.status('info', 'Удаление отменено, маршруты на месте.');
      return;
    }
    Promise.all(saved.map(function (layer) {
      return P.sendJSON('DELETE', config.routesUrl + '/' + layer.feature.id)
        .catch(function (err) {
          if (err.status !== 404) {
            routesGroup.addLayer(layer);
            throw err;
          }
        });
    })).then(function () {
      ed.routes.status('ok', 'Удалено: ' + routesCount(saved.length) + '. Восстановить — ' +
        'в списке «Удалённые».');
    }, function (err) {
      ed.routes.status('error', 'Не все маршруты удалены (' + (err.message || err) + ').');
    }).then(function () {
      ed.routes.render();
      load('routes');
    });
  });

  return {refresh: refresh};
}

export {attach};
