complete -c pipe-run -s f -l file -d 'Read the expression from FILE; every argument is then a positional parameter. For scripts starting with `#!/usr/bin/env -S pipe-run -f`' -r -F
complete -c pipe-run -l explain -d 'Print the validated plan (programs, argv, connections, redirections) and run nothing'
complete -c pipe-run -l no-pipefail -d 'Exit with the last stage\'s status only, as plain sh does'
complete -c pipe-run -s u -l nounset -d 'Treat expanding an unset variable as an error (exit 2)'
complete -c pipe-run -s q -l quiet -d 'Do not print which stage failed'
complete -c pipe-run -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipe-run -s V -l version -d 'Print version'
