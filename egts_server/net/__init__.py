"""egts_server/net"""
