# A real OpenSSH sshd on 127.0.0.1 at a free port, for the tests and the
# benchmark that reach an agent over SSH. Everything runs in a private mount
# namespace: /run, /usr/local/bin and the account files (/etc/passwd, group,
# shadow, with an operator "hfop", uid 4242, in the socket's group root) are
# private copies there, so nothing on the host changes.
# Source it, call `sshlab_enter "$0" "$@"` first (re-executes the caller in the
# namespace, or exits 77 when it cannot), then `sshlab_setup WORK CTL_BIN`,
# `sshlab_start_sshd yes|no` (AllowStreamLocalForwarding) and, in the caller's
# EXIT trap, `sshlab_stop_sshd`.
# After setup: $sshlab_port, $sshlab_target (hfop@127.0.0.1:PORT), the
# operator's keys in WORK/client/.ssh (HOME=WORK/client), $sshlab_fingerprint.

sshlab_enter() {
  [[ -n ${HF_SSHLAB_INNER:-} ]] && return 0
  if [[ $EUID -ne 0 ]]; then echo "SKIP: needs root for a private mount namespace and sshd"; exit 77; fi
  local tool
  for tool in /usr/sbin/sshd ssh-keygen ssh-agent ssh-add unshare; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (openssh-server, openssh-client)"; exit 77; }
  done
  exec unshare --mount --propagation private env HF_SSHLAB_INNER=1 "$@"
}

sshlab_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sshlab_setup() {   # WORK CTL_BIN
  sshlab_work=$1
  chmod 755 "$sshlab_work"
  mount -t tmpfs tmpfs /run && mkdir -p /run/sshd /run/hafront
  # hafrontctl on the far side's PATH, for the exec fallback (dial-stdio).
  mount -t tmpfs tmpfs /usr/local/bin && cp "$2" /usr/local/bin/hafrontctl
  cp /etc/passwd /etc/group /etc/shadow "$sshlab_work/"
  echo "hfop:x:4242:4242:hafront operator:$sshlab_work/home/hfop:/bin/sh" >>"$sshlab_work/passwd"
  echo "hfop:x:4242:" >>"$sshlab_work/group"
  sed -i 's/^root:x:0:.*/root:x:0:hfop/' "$sshlab_work/group"   # as the hafront group in production
  echo "hfop:*:19000:0:99999:7:::" >>"$sshlab_work/shadow"
  local f
  for f in passwd group shadow; do mount --bind "$sshlab_work/$f" "/etc/$f"; done
  ssh-keygen -q -t ed25519 -N '' -f "$sshlab_work/hostkey" -C host
  mkdir -p "$sshlab_work/home/hfop/.ssh" "$sshlab_work/client/.ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$sshlab_work/client/.ssh/id_ed25519" -C hfop
  cp "$sshlab_work/client/.ssh/id_ed25519.pub" "$sshlab_work/home/hfop/.ssh/authorized_keys"
  chown -R 4242:4242 "$sshlab_work/home/hfop" && chmod 700 "$sshlab_work/home/hfop/.ssh"
  sshlab_fingerprint=$(ssh-keygen -lf "$sshlab_work/hostkey.pub" | awk '{print $2}')
  sshlab_port=$(sshlab_free_port)
  sshlab_target="hfop@127.0.0.1:$sshlab_port"
  sshlab_sshd_pid=""
}

sshlab_start_sshd() {   # yes|no: AllowStreamLocalForwarding
  cat >"$sshlab_work/sshd_config" <<CONF
Port $sshlab_port
ListenAddress 127.0.0.1
HostKey $sshlab_work/hostkey
PidFile $sshlab_work/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
StrictModes no
AuthorizedKeysFile .ssh/authorized_keys
AllowStreamLocalForwarding $1
LogLevel VERBOSE
CONF
  /usr/sbin/sshd -D -e -f "$sshlab_work/sshd_config" 2>>"$sshlab_work/sshd.log" &
  sshlab_sshd_pid=$!
  local _
  for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$sshlab_port),0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "sshd did not start:"; cat "$sshlab_work/sshd.log"; return 1
}

sshlab_stop_sshd() {
  [[ -n ${sshlab_sshd_pid:-} ]] || return 0
  kill "$sshlab_sshd_pid" 2>/dev/null
  wait "$sshlab_sshd_pid" 2>/dev/null
  sshlab_sshd_pid=""
}
