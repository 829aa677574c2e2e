"""egts_server/codec"""
