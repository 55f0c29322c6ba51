#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A filter for a kselftest suite's output: passes every line through and
# follows each test's result with the seconds the test took, as
# "# test NAME took N s".  Bash's own clock, so that no line costs an
# exec: on the debug kernel under emulation an exec of date(1) per line
# added seconds to every test.
set -u

name="" start=""
while IFS= read -r line; do
	printf '%s\n' "$line"
	case $line in
	"#  RUN "*)
		name=${line#"#  RUN"}
		name=${name#"${name%%[! ]*}"}
		name=${name%" ..."}
		start=$SECONDS ;;
	"ok "* | "not ok "*)
		[ -z "$start" ] ||
			echo "# test $name took $((SECONDS - start)) s"
		start="" ;;
	esac
done
