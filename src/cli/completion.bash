# bash completion for toponym: subcommands, their options (read from `toponym help COMMAND`),
# romanisation schemes, and place names from the store (`toponym complete PREFIX`).
# Installed as share/bash-completion/completions/toponym.

_toponym_files() {
    compopt -o default 2>/dev/null
    COMPREPLY=()
}

_toponym() {
    # Plain COMP_WORDS, so that the script needs nothing from the bash-completion package.
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cword=$COMP_CWORD words=("${COMP_WORDS[@]}")

    local cmd="" i db=()
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --db) db=(--db "${words[i + 1]}"); ((i++)) ;;
            --db=*) db=("${words[i]}") ;;
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--db --help --version' -- "$cur"))
        else
            local cmds
            cmds=$(toponym help 2>/dev/null | awk '/^Commands:/ {on = 1; next} /^$/ {on = 0} on {print $1}')
            COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        fi
        return
    fi

    case $prev in
        --db | -o | --rules) _toponym_files; return ;;
        --scheme)
            COMPREPLY=($(compgen -W 'bgn-pcgn iso9 gost-b icao ala-lc scientific hepburn
                hepburn-trad kunrei nihon passport' -- "$cur"))
            return ;;
        --lang) COMPREPLY=($(compgen -W 'en ja ru' -- "$cur")); return ;;
        --format)
            local usage
            usage=$(toponym help "$cmd" 2>/dev/null | head -1)
            usage=${usage#*--format }
            usage=${usage%%]*}
            COMPREPLY=($(compgen -W "${usage//|/ }" -- "$cur"))
            return ;;
    esac

    if [[ $cur == -* ]]; then
        local opts
        opts=$(toponym help "$cmd" 2>/dev/null | head -1 | grep -o -- '--[a-z-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    case $cmd in
        lookup | key | translit)
            if [[ -n $cur ]]; then
                local IFS=$'\n'
                COMPREPLY=($(toponym "${db[@]}" complete "$cur" 2>/dev/null))
            fi ;;
        help) COMPREPLY=($(compgen -W "$(toponym help 2>/dev/null | awk '/^Commands:/ {on = 1; next} /^$/ {on = 0} on {print $1}')" -- "$cur")) ;;
        *) _toponym_files ;;
    esac
}
complete -F _toponym toponym
