# Shared by benchmarks/scale.sh and benchmarks/tokenizer.sh (sourced, from the repository root).

# Python with tiktoken 0.14.0: $PYTHON or the system python3 if it has it, else a venv here.
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import tiktoken' 2>/dev/null; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install -q tiktoken==0.14.0
    PYTHON=.venv/bin/python
fi

# Idle share of all cores over one second, in percent (from /proc/stat).
idle_percent() {
    local a b
    a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
    local idle=$(( b[4] + b[5] - a[4] - a[5] )) total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    echo $(( total > 0 ? 100 * idle / total : 0 ))
}

# A two-thread figure means nothing while another build holds a core: wait (up to IDLE_WAIT
# seconds, default 300) for the cores to be at least 85% idle, and print the idle share found.
wait_for_idle() {
    local waited=0 idle
    idle=$(idle_percent)
    while [ "$idle" -lt 85 ] && [ "$waited" -lt "${IDLE_WAIT:-300}" ]; do
        sleep 2; waited=$((waited + 3)); idle=$(idle_percent)
    done
    echo "$idle"
}
