#!/bin/sh
# One AT-SPI session: run inside `xvfb-run -a dbus-run-session -- sh run.sh PY DB OUT`.
# PY is the project's Python (runs the app), the system python3 runs the reader.
set -u
PY="$1" DB="$2" OUT="$3"
mkdir -p "$OUT"
/usr/libexec/at-spi-bus-launcher --launch-immediately >"$OUT/bus.log" 2>&1 &
BUS=$!
/usr/bin/python3 "$(dirname "$0")/reader.py" "$OUT" >"$OUT/reader.log" 2>&1 &
READER=$!
i=0
while [ ! -e "$OUT/reader-listening" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
QT_ACCESSIBILITY=1 QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb \
    "$PY" -m tests.a11y.driver "$DB" "$OUT" >"$OUT/driver.log" 2>&1
STATUS=$?
wait $READER
kill $BUS 2>/dev/null
exit $STATUS
