"""egts_server"""
