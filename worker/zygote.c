/*
 * sandbox_fork: a loadable bash builtin that lets one started bash (the zygote) fork
 * the shells of a worker's calls, instead of the worker exec-ing a new bash for each.
 *
 * A fork of a bash that has already started costs about half the CPU of starting a
 * new one (no execve, no dynamic linking, no start-up), and each call still gets a
 * fresh process of its own.  See worker/zygote.py for the worker's side.
 *
 * `sandbox_fork FD` waits on the SOCK_SEQPACKET socket FD for one request: the
 * shell's marker as the message, and three descriptors (output, script, state) as
 * SCM_RIGHTS.  It clones a child with CLONE_PARENT, so the new shell is a child of
 * the worker (which reaps it and gets its exit status), answers the child's pid (or
 * -errno) as a native int, and returns 0.  EOF on FD returns 1; a request it cannot
 * serve returns 3.  In the child it returns 2, after making the child what a fresh
 * shell would be:
 *   - a session of its own (setsid), the descriptors on 1 and 2 (output), 3 (script)
 *     and 4 (state), the socket closed;
 *   - the marker in SANDBOX_SHELL, both the shell variable (which its programs
 *     inherit) and its initial environment block, which /proc/PID/environ shows:
 *     the worker finds a call's orphans by it, subshells that never exec included;
 *   - $$ its own pid, $RANDOM reseeded, $SECONDS from zero;
 *   - dumpable again.  The zygote makes itself non-dumpable when bash loads the builtin,
 *     so the calls (same user) cannot ptrace it or read its memory, which every later
 *     shell would inherit; they can only kill it, and the worker starts another.
 *
 * It is built without bash's headers: the few declarations it needs are below
 * (struct builtin and WORD_LIST have kept this layout since bash 4).  The clone is
 * a raw syscall because glibc's fork cannot make a sibling.  That skips glibc's
 * fork bookkeeping, which is safe here: bash is single-threaded, holds no lock
 * inside a builtin, and glibc (2.34+) asks the kernel for the tid where it matters
 * (raise).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

typedef struct word_desc { char *word; int flags; } WORD_DESC;
typedef struct word_list { struct word_list *next; WORD_DESC *word; } WORD_LIST;
struct builtin {
  char *name;
  int (*function)(WORD_LIST *);
  int flags;
  char *const *long_doc;
  const char *short_doc;
  char *handle;
};
#define BUILTIN_ENABLED 0x01

extern pid_t dollar_dollar_pid;
extern void *bind_variable(const char *, char *, int);

#define MARKER_KEY "SANDBOX_SHELL="
#define MARKER_MAX 128

/* The value of SANDBOX_SHELL in this process's initial environment block (found once, in
 * the zygote; a child has the block at the same address). */
static char *env_marker;
static size_t env_marker_len;

static int find_env_marker(void) {
  char buf[4096];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  /* Fields after the command name start at 3 (state); env_start and env_end are 50 and 51. */
  unsigned long start = 0, end = 0;
  int field = 2;
  for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
    field++;
    if (field == 50) start = strtoul(tok, NULL, 10);
    if (field == 51) { end = strtoul(tok, NULL, 10); break; }
  }
  if (!start || end <= start) return -1;
  char *block = (char *)start, *stop = (char *)end;
  size_t key = strlen(MARKER_KEY);
  for (char *entry = block; entry < stop; entry += strlen(entry) + 1) {
    if (strncmp(entry, MARKER_KEY, key) == 0) {
      env_marker = entry + key;
      env_marker_len = strlen(env_marker);
      return 0;
    }
  }
  return -1;
}

/* Called by `enable -f` (bash 5+); returning 0 fails the load, and the zygote exits. */
int sandbox_fork_builtin_load(char *name) {
  (void)name;
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && find_env_marker() == 0;
}

static void become_fresh(int ctl, int fds[3], const char *marker) {
  setsid();
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  /* Move the received descriptors out of the way before they land on 1-4. */
  for (int i = 0; i < 3; i++) {
    int high = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
    close(fds[i]);
    fds[i] = high;
  }
  dup2(fds[0], 1);
  dup2(fds[0], 2);
  dup2(fds[1], 3);
  dup2(fds[2], 4);
  for (int i = 0; i < 3; i++) close(fds[i]);
  close(ctl);
  memset(env_marker, 0, env_marker_len);
  memcpy(env_marker, marker, strlen(marker));
  bind_variable("SANDBOX_SHELL", (char *)marker, 0);
  dollar_dollar_pid = getpid();
  unsigned int seed = 0;
  if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) seed = (unsigned int)getpid();
  char number[16];
  snprintf(number, sizeof number, "%u", seed & 0x7fffffff);
  bind_variable("RANDOM", number, 0);
  bind_variable("SECONDS", "0", 0);
}

static int sandbox_fork_builtin(WORD_LIST *list) {
  if (!list || !list->word) return 3;
  int ctl = atoi(list->word->word);
  if (!env_marker) return 3;
  char marker[MARKER_MAX + 1];
  union { struct cmsghdr align; char buf[CMSG_SPACE(3 * sizeof(int))]; } control;
  struct iovec iov = { marker, MARKER_MAX };
  struct msghdr msg = { 0 };
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t n;
  do n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (n == 0) return 1;
  if (n < 0) return 3;
  marker[n] = 0;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS
      || c->cmsg_len != CMSG_LEN(3 * sizeof(int)) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
    if (c && c->cmsg_type == SCM_RIGHTS) {  /* close what did arrive */
      int *got = (int *)CMSG_DATA(c);
      for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) close(got[i]);
    }
    return 3;
  }
  int fds[3];
  memcpy(fds, CMSG_DATA(c), sizeof fds);
  int reply;
  if ((size_t)n > env_marker_len || memchr(marker, 0, (size_t)n)) {
    reply = -EINVAL;  /* the worker keeps markers shorter than the zygote's placeholder */
  } else {
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
      become_fresh(ctl, fds, marker);
      return 2;
    }
    reply = pid < 0 ? -errno : pid;
  }
  for (int i = 0; i < 3; i++) close(fds[i]);
  while (send(ctl, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno == EINTR) {}
  return 0;
}

static char *sandbox_fork_doc[] = {
  "Fork a fresh shell for the sandbox worker (see worker/zygote.c).",
  NULL
};

struct builtin sandbox_fork_struct = {
  "sandbox_fork", sandbox_fork_builtin, BUILTIN_ENABLED, sandbox_fork_doc, "sandbox_fork FD", NULL
};
