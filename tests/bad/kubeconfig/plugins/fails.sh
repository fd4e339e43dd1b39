#!/bin/sh
echo "login required: run the browser flow" >&2
exit 3
