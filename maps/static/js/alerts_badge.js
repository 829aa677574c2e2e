/*
 * glonass-dispatch: the live map's alerts badge, a self-contained ES module.
 *
 * Finds the bar's [data-alerts-badge] link (to /events), asks its data-url (GET /api/alerts
 * for unacknowledged alerts, no rows) every data-poll-s seconds and shows the count it
 * answers; muted at zero, hidden while the API cannot be read (signed out, server away).
 */
const badge = document.querySelector('[data-alerts-badge]');

async function refresh() {
  try {
    const response = await fetch(badge.dataset.url, {credentials: 'same-origin',
                                                     headers: {accept: 'application/json'}});
    if (!response.ok) {
      badge.hidden = true;
      return;
    }
    const count = Number((await response.json()).unacknowledged) || 0;
    badge.querySelector('[data-alerts-count]').textContent = String(count);
    badge.classList.toggle('gd-alerts-none', count === 0);
    badge.title = count ? `Неподтверждённых тревог: ${count}` : 'Неподтверждённых тревог нет';
    badge.hidden = false;
  } catch {
    badge.hidden = true;
  }
}

if (badge) {
  refresh();
  setInterval(refresh, 1000 * (Number(badge.dataset.pollS) || 30));
}
