complete -c pipe-run -s f -l file -d 'Read the expression from FILE; every argument is then a positional parameter. For scripts starting with `#!/usr/bin/env -S pipe-run -f`' -r -F
complete -c pipe-run -s C -l chdir -d 'Run in DIR: programs named with a `/`, redirections and globs are taken relative to it, and `$PWD` is set to it. Checked before anything runs. `-f FILE` is still read from where pipe-run started' -r -F
complete -c pipe-run -l via -d 'The transport of every `|` whose `|[...]` names none: `pipe` (the default), `fifo` (a named FIFO in a private directory), `sock` (a socketpair) or `seqpacket` (a socketpair that keeps each write one message)' -r -f -a "pipe\t''
fifo\t''
sock\t''
seqpacket\t''"
complete -c pipe-run -l procsub -d 'How `<(...)` and `>(...)` in an argument are named: `devfd` (`/dev/fd/N`, the default where the system has /dev/fd) or `fifo` (a named FIFO in the run\'s private directory, for programs that close the fds they inherit)' -r -f -a "devfd\t''
fifo\t''"
complete -c pipe-run -s c -d 'As `sh -c`: the first operand is the expression, the next one is `$0`, and the rest are `$1`, `$2`, ... With this, `SHELL := pipe-run` in a Makefile runs every recipe line as a pipeline'
complete -c pipe-run -l keep-orphans -d 'Leave running what the stages started in the background. By default, processes still running when the pipeline is over are sent SIGTERM, then SIGKILL after 2 seconds, and pipe-run says how many'
complete -c pipe-run -s e -d 'Accepted for `.SHELLFLAGS = -ec` (make\'s POSIX mode): pipe-run runs one pipeline, and its status is already the pipeline\'s'
complete -c pipe-run -l explain -d 'Print the validated plan (programs, argv, connections, redirections) and run nothing'
complete -c pipe-run -l no-pipefail -d 'Exit with the last stage\'s status only, as plain sh does'
complete -c pipe-run -s u -l nounset -d 'Treat expanding an unset variable as an error (exit 2)'
complete -c pipe-run -s q -l quiet -d 'Do not print which stage failed, the processes ended after the pipeline, nor warnings'
complete -c pipe-run -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipe-run -s V -l version -d 'Print version'
