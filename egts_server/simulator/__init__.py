"""Demo terminals that speak real EGTS and NDTP over TCP, driven along the demo city's routes.

``serve --simulate N`` and ``glonass-dispatch simulate`` start them; they keep unacknowledged
fixes in a black box and resend them, as real terminals do. They use the codecs' terminal-side
clients and ``dispatch`` for the routes and the motion; the server never imports them, except the
application root that starts them. May import ``codec``, ``model`` and ``dispatch``; never the
listeners, ``db`` or ``maps``.
"""
