# The interactive session in a real terminal, driven through tmux: completion across scripts,
# history recalled in a second session, Ctrl-C on a half-typed line, colour on a terminal and
# none with NO_COLOR. Skips when tmux is not installed.
. "$(dirname "$0")/lib.sh"
if ! command -v tmux >/dev/null; then
  echo "skip: tmux not installed"
  exit 77
fi
# Each session gets its own tmux server: a server that is shutting down refuses new sessions.
N=0
SOCK="tp_test_$$_$N"
tm() { tmux -L "$SOCK" "$@"; }
trap 'for n in $(seq 0 $N); do tmux -L "tp_test_$$_$n" kill-server 2>/dev/null; done; rm -rf "$SCRATCH"' EXIT

start() { # start [ENV=VALUE...]: a new session running toponym
  N=$((N + 1))
  SOCK="tp_test_$$_$N"
  tm new-session -d -s t -x 120 -y "${ROWS:-50}" \
    env HOME="$HOME" XDG_DATA_HOME="$XDG_DATA_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    TERM=xterm-256color PAGER=cat "$@" "$TOPONYM"
  wait_for "toponym>"
}

leave() { # Ctrl-D, then wait for the session (and the tmux server) to end
  tm send-keys -t t C-d
  for _ in $(seq 50); do
    tm has-session -t t 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

screen() { tm capture-pane -t t -p -S -500 "$@" 2>/dev/null; }

wait_for() { # wait_for TEXT: up to 10 s for TEXT on the screen
  for _ in $(seq 100); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

check_screen() { # check_screen TEXT WHAT
  CHECKS=$((CHECKS + 1))
  if ! wait_for "$1"; then
    screen >"$SCRATCH/out"
    : >"$SCRATCH/err"
    fail "$2: screen lacks '$1'"
  fi
}

# Seed the default store first, so the sessions start at once.
run lookup Etorofu >/dev/null

start
tm send-keys -t t 'Etor' Tab
check_screen "toponym> Etorofu" "Etor<TAB> completes Etorofu"
tm send-keys -t t C-u 'Итур' Tab
check_screen "toponym> Итуруп" "Итур<TAB> completes Итуруп"
tm send-keys -t t C-u 'えと' Tab Tab
check_screen "択捉島" "えと<TAB> offers 択捉島"
check_screen "えとろふとう" "えと<TAB> offers the reading"
tm send-keys -t t C-u 'Yuzhno' Tab Tab
check_screen "Yuzhno-Sakhalinsk" "Yuzhno<TAB> lists Yuzhno-Sakhalinsk"
check_screen "Yuzhno-Kurilsk" "Yuzhno<TAB> lists Yuzhno-Kurilsk"

# Ctrl-C drops the half-typed line; the next line is looked up on its own.
# (Ctrl-C is a signal, and the terminal drops typed input that the session has not read yet when
# it comes: wait until the line is on the screen, as a user would see it.)
tm send-keys -t t C-u 'Shikot'
check_screen "toponym> Shikot" "the half-typed line"
tm send-keys -t t C-c
tm send-keys -t t 'Kunasiri' Enter
check_screen "[kunashir]" "lookup after Ctrl-C"
CHECKS=$((CHECKS + 1))
screen | grep -qF "ShikotKunasiri" && fail "Ctrl-C did not cancel the line"

# check with the checker built in the background since the session started.
tm send-keys -t t 'check We sailed along the Kurile Islands.' Enter
check_screen '"Kurile Islands" is superseded' "check in the session"

# Colour on a terminal: the preferred status in green, bold headings.
CHECKS=$((CHECKS + 1))
screen -e | grep -qF $'\033[1m' || { screen >"$SCRATCH/out"; fail "no colour on a terminal"; }

# Ctrl-D leaves; the history is kept for the next session.
CHECKS=$((CHECKS + 1))
leave || fail "Ctrl-D did not end the session"
CHECKS=$((CHECKS + 1))
[ -s "$XDG_STATE_HOME/toponym/history" ] || fail "no history file under XDG_STATE_HOME"
start
tm send-keys -t t C-r 'Kuna'
check_screen "(reverse-i-search)\`Kuna': Kunasiri" "reverse search of the history"
tm send-keys -t t C-g C-u
leave
start
tm send-keys -t t Up
check_screen "toponym> check We sailed along the Kurile Islands." "history recalled in a second session"
leave

# NO_COLOR: the same lookup, no escape sequences.
start NO_COLOR=1
tm send-keys -t t 'Kunasiri' Enter
check_screen "[kunashir]" "lookup with NO_COLOR"
CHECKS=$((CHECKS + 1))
screen -e | grep -qF $'\033[32m' && { screen -e >"$SCRATCH/out"; fail "colour despite NO_COLOR"; }
leave

# Output longer than the screen goes through $PAGER; short output does not.
ROWS=20 start "PAGER=echo THROUGH-THE-PAGER; cat"
tm send-keys -t t 'translit --scheme iso9 Итуруп' Enter
wait_for "Iturup"
tm send-keys -t t 'Kunasiri' Enter
check_screen "THROUGH-THE-PAGER" "a long entry through the pager"
CHECKS=$((CHECKS + 1))
[ "$(screen | grep -c THROUGH-THE-PAGER)" = 1 ] || { screen >"$SCRATCH/out"; fail "short output went through the pager"; }
leave

done_testing
