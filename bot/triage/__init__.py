"""Alarm triage: recognise the folder's spoed complaints in a message and route them by the clock.

Pure core: nothing here imports `telegram`, and every time-dependent function takes `now`.
"""
