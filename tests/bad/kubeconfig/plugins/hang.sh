#!/bin/sh
# sleeps for ten minutes in a child: the timeout must take both
sleep 600 &
echo $! >"${BAD_PLUGIN_PIDS:-/dev/null}"
wait
