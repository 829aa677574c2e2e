"""egts_server/simulator"""
