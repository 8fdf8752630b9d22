/*
 * sandbox_fork: a loadable bash builtin that lets one started bash (the zygote) fork
 * the shells of a worker's calls, instead of the worker exec-ing a new bash for each.
 *
 * A fork of a bash that has already started costs about half the CPU of starting a
 * new one (no execve, no dynamic linking, no start-up), and each call still gets a
 * fresh process of its own.  See worker/zygote.py for the worker's side.
 *
 * `sandbox_fork FD UID GID NS` waits on the SOCK_SEQPACKET socket FD for one request:
 * the shell's marker as the message, and five descriptors as SCM_RIGHTS, which become
 * the shell's 0-4 (stdin, stdout, stderr, script, state).  It clones a child with
 * CLONE_PARENT, so the new shell is a child of the worker (which reaps it and gets its
 * exit status), answers the child's pid (or -errno) as a native int, and returns 0.
 * EOF on FD returns 1; a request it cannot serve returns 3.  In the child it returns 2,
 * after making the child what a fresh shell of the call would be:
 *   - with NS=1, the init of a PID namespace and a mount namespace of its own, with a
 *     /proc of that namespace: everything the call starts lives in the namespace, so
 *     killing the shell makes the kernel kill all of it (setsid, double forks and forged
 *     environments included), and the call can neither see nor signal, trace or read
 *     /proc of any process outside it;
 *   - a session of its own (setsid); descriptors 0-4 as sent, every other one closed
 *     (the zygote's socket and anything the zygote holds never reach a call);
 *   - with UID/GID >= 0 (the zygote runs as root), the tool user's credentials: no
 *     supplementary groups, real, effective and saved ids all the tool user's, and
 *     no_new_privs; the tool user cannot signal or trace the root zygote;
 *   - the marker in SANDBOX_SHELL, both the shell variable (which its programs
 *     inherit) and its initial environment block, which /proc/PID/environ shows (the
 *     fallback tree kill without namespaces finds a call's orphans by it);
 *   - $$ its own pid, $RANDOM reseeded, $SECONDS from zero;
 *   - dumpable again.  The zygote makes itself non-dumpable when bash loads the builtin,
 *     so nothing can ptrace it or read its memory, which every later shell would inherit.
 *
 * It is built without bash's headers: the few declarations it needs are below
 * (struct builtin and WORD_LIST have kept this layout since bash 4).  The clone is
 * a raw syscall because glibc's fork cannot make a sibling.  That skips glibc's
 * fork bookkeeping, which is safe here: bash is single-threaded, holds no lock
 * inside a builtin, and glibc (2.34+) asks the kernel for the tid where it matters
 * (raise).  Credentials are changed with raw syscalls for the same reason.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
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
#define SHELL_FDS 5

/* The value of SANDBOX_SHELL in this process's initial environment block (found once, in
 * the zygote; a child has the block at the same address). */
static char *env_marker;
static size_t env_marker_len;
/* Whether the zygote has a private mount namespace of its own yet (made before the first
 * shell that gets namespaces: a /proc mounted in a call's namespace must not propagate). */
static int private_mounts;

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

/* The child cannot go on as the call's shell: say why on its output, exit 125 (the worker
 * answers the call with that output). */
static void child_fails(const char *what) {
  char line[256];
  int n = snprintf(line, sizeof line, "sandbox: cannot set up the call's shell: %s: %s\n", what, strerror(errno));
  if (n > 0) (void)!write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  _exit(125);
}

/* Every descriptor above 4 goes: close_range where the kernel has it (5.9+), else each
 * one /proc/self/fd lists. */
static void close_from(int low) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, (unsigned int)low, ~0U, 0) == 0) return;
#endif
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) child_fails("listing its descriptors");
  int own = dirfd(dir);
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    int fd = atoi(entry->d_name);
    if (fd >= low && fd != own) close(fd);
  }
  closedir(dir);
}

static void become_fresh(int fds[SHELL_FDS], const char *marker, long uid, long gid, int ns) {
  if (ns && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
    dup2(fds[2], 2);
    child_fails("mounting /proc in its pid namespace");
  }
  setsid();
  /* Move the received descriptors out of the way before they land on 0-4. */
  for (int i = 0; i < SHELL_FDS; i++) {
    int high = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
    close(fds[i]);
    fds[i] = high;
  }
  for (int i = 0; i < SHELL_FDS; i++) dup2(fds[i], i);
  close_from(SHELL_FDS);
  if (uid >= 0) {
    if (syscall(SYS_setgroups, 0, NULL) != 0) child_fails("dropping supplementary groups");
    if (syscall(SYS_setresgid, (gid_t)gid, (gid_t)gid, (gid_t)gid) != 0) child_fails("setresgid");
    if (syscall(SYS_setresuid, (uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) child_fails("setresuid");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fails("no_new_privs");
  /* After the uid change, which made it non-dumpable: a call may read its own /proc. */
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
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

static int make_mounts_private(void) {
  if (private_mounts) return 0;
  if (unshare(CLONE_NEWNS) != 0) return -errno;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -errno;
  private_mounts = 1;
  return 0;
}

static int sandbox_fork_builtin(WORD_LIST *list) {
  char *args[4];
  for (int i = 0; i < 4; i++) {
    if (!list || !list->word) return 3;
    args[i] = list->word->word;
    list = list->next;
  }
  int ctl = atoi(args[0]);
  long uid = strtol(args[1], NULL, 10), gid = strtol(args[2], NULL, 10);
  int ns = atoi(args[3]);
  if (!env_marker) return 3;
  char marker[MARKER_MAX + 1];
  union { struct cmsghdr align; char buf[CMSG_SPACE(SHELL_FDS * sizeof(int))]; } control;
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
      || c->cmsg_len != CMSG_LEN(SHELL_FDS * sizeof(int)) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
    if (c && c->cmsg_type == SCM_RIGHTS) {  /* close what did arrive */
      int *got = (int *)CMSG_DATA(c);
      for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) close(got[i]);
    }
    return 3;
  }
  int fds[SHELL_FDS];
  memcpy(fds, CMSG_DATA(c), sizeof fds);
  int reply;
  if ((size_t)n > env_marker_len || memchr(marker, 0, (size_t)n)) {
    reply = -EINVAL;  /* the worker keeps markers shorter than the zygote's placeholder */
  } else if (ns && (reply = make_mounts_private()) != 0) {
    /* reply holds -errno */
  } else {
    unsigned long flags = CLONE_PARENT | SIGCHLD | (ns ? CLONE_NEWPID | CLONE_NEWNS : 0);
    pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
    if (pid == 0) {
      become_fresh(fds, marker, uid, gid, ns);
      return 2;
    }
    reply = pid < 0 ? -errno : pid;
  }
  for (int i = 0; i < SHELL_FDS; i++) close(fds[i]);
  while (send(ctl, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno == EINTR) {}
  return 0;
}

static char *sandbox_fork_doc[] = {
  "Fork a fresh shell for the sandbox worker (see worker/zygote.c).",
  NULL
};

struct builtin sandbox_fork_struct = {
  "sandbox_fork", sandbox_fork_builtin, BUILTIN_ENABLED, sandbox_fork_doc, "sandbox_fork FD UID GID NS", NULL
};
