"""Pure, sans-I/O protocol codecs: bytes in, typed records and replies out, and back.

One subpackage per protocol (``egts``, ``ndtp``, ``nis_soap`` and the trackers'), each with its
framer, packet parser, per-connection session (which also builds the replies) and the mapping
to ``model.Position``; shared here are the bounds-checked reader, the checksums, the one error
family (``CodecError``), what every session makes of a frame (``handled``), and for the
trackers the length framer (``framing``) and the login state (``tracker_session``). Imports
only ``egts_server.model`` of ours, and no Twisted, database, Shapely or Folium, so every
codec is tested and fuzzed byte by byte without a reactor.
"""
