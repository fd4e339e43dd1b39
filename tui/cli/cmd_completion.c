/*
 * cmd_completion.c - `meshpanel completion bash|zsh|fish`: a completion
 * script for the shell, like `kubectl completion`.
 *
 * The scripts hold no list of commands or flags: they ask the binary
 * (`meshpanel --help`, `meshpanel COMMAND --help`) when you press Tab, so
 * they cannot drift from it. Contexts come from `meshpanel config
 * get-contexts -o name`, namespaces from the cluster (`meshpanel get tenants
 * -o name`) with a 2 s limit, so a slow cluster never hangs the shell.
 */
#include <stdio.h>
#include <string.h>

#include "tui/cli/cli.h"

/* The flags that take a value, so the word after them is not a command. */
#define VALUE_FLAGS                                                                                \
    "--kubeconfig|--context|-n|--namespace|-f|--filename|--theme|--script|--size|"                 \
    "--request-timeout|-o|--output|-l|--selector|--chunk-size|--tenant-prefix|--max-events|"       \
    "--overrides|--gateway-mode|--shared-gateway|--platform-domain|--gateway-namespace|"           \
    "--gateway-selector|--domain-suffix|--ext-authz-provider|--policy|--wave|--mode|--fail-on|"    \
    "--disabled-class|--cert-issuer|--probe-gateway|--probe-nginx"

static const char bash_script[] =
    "# meshpanel bash completion (meshpanel completion bash)\n"
    "_meshpanel_flags() { # flags a help text names\n"
    "    \"$1\" ${2:+\"$2\"} --help 2>&1 | grep -oE -- '(^|[][ |,])--?[a-zA-Z][a-zA-Z0-9-]*' |\n"
    "        sed 's/^[][ |,]//' | sort -u\n"
    "}\n"
    "_meshpanel_commands() {\n"
    "    \"$1\" --help 2>/dev/null | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != \"commands:\" "
    "{print $1}'\n"
    "}\n"
    "_meshpanel() {\n"
    "    local bin=\"${COMP_WORDS[0]}\" cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
    "    local prev=\"\" cmd=\"\" sub=\"\" i w\n"
    "    ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
    "    [[ $bin == kubectl* ]] && bin=meshpanel # kubectl meshpanel ...\n"
    "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
    "        w=\"${COMP_WORDS[i]}\"\n"
    "        case \"$w\" in\n"
    "        -*) ;;\n"
    "        *) case \"${COMP_WORDS[i-1]}\" in\n"
    "           " VALUE_FLAGS ") ;;\n"
    "           *) if [[ -z $cmd ]]; then cmd=\"$w\"; else sub=\"$w\"; break; fi ;;\n"
    "           esac ;;\n"
    "        esac\n"
    "    done\n"
    "    case \"$prev\" in\n"
    "    --context)\n"
    "        COMPREPLY=($(compgen -W \"$(\"$bin\" config get-contexts -o name 2>/dev/null)\" -- "
    "\"$cur\"))\n"
    "        return ;;\n"
    "    -n|--namespace)\n"
    "        [[ $cmd == convert || $cmd == apply || $cmd == diff ]] && return\n"
    "        COMPREPLY=($(compgen -W \"$(timeout 3 \"$bin\" get tenants -o name "
    "--request-timeout 2s 2>/dev/null | sed 's|.*/||')\" -- \"$cur\"))\n"
    "        return ;;\n"
    "    -o|--output)\n"
    "        COMPREPLY=($(compgen -W \"$(\"$bin\" ${cmd:+\"$cmd\"} --help 2>&1 | "
    "grep -oE -- '-o(, --output)? [a-z|]+' | head -n1 | sed 's/.* //; s/|/ /g')\" -- \"$cur\"))\n"
    "        return ;;\n"
    "    --theme)\n"
    "        COMPREPLY=($(compgen -W \"default light high-contrast mono\" -- \"$cur\"))\n"
    "        return ;;\n"
    "    --mode)\n"
    "        COMPREPLY=($(compgen -W \"full partial dual\" -- \"$cur\"))\n"
    "        return ;;\n"
    "    --fail-on)\n"
    "        COMPREPLY=($(compgen -W \"warning error\" -- \"$cur\"))\n"
    "        return ;;\n"
    "    --kubeconfig|-f|--filename|--script|--overrides|--policy)\n"
    "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
    "        return ;;\n"
    "    esac\n"
    "    if [[ -z $cmd ]]; then\n"
    "        if [[ $cur == -* ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(_meshpanel_flags \"$bin\") --version\" -- \"$cur\"))\n"
    "        else\n"
    "            COMPREPLY=($(compgen -W \"$(_meshpanel_commands \"$bin\")\" -- \"$cur\"))\n"
    "        fi\n"
    "        return\n"
    "    fi\n"
    "    if [[ $cur == -* ]]; then\n"
    "        COMPREPLY=($(compgen -W \"$(_meshpanel_flags \"$bin\" \"$cmd\")\" -- \"$cur\"))\n"
    "    elif [[ $cmd == get && $prev == get ]]; then\n"
    "        COMPREPLY=($(compgen -W \"ingresses gateways virtualservices tenants svc secrets dr "
    "ap "
    "ingressclasses\" -- \"$cur\"))\n"
    "    elif [[ $cmd == migrate && -z $sub ]]; then\n"
    "        COMPREPLY=($(compgen -W \"plan apply verify cutover retire\" -- \"$cur\"))\n"
    "    elif [[ $cmd == completion ]]; then\n"
    "        COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"))\n"
    "    elif [[ $cmd == config && $prev == config ]]; then\n"
    "        COMPREPLY=($(compgen -W \"get-contexts current-context\" -- \"$cur\"))\n"
    "    fi\n"
    "}\n"
    "complete -o default -F _meshpanel meshpanel kubectl-meshpanel\n";

static const char zsh_script[] = "#compdef meshpanel kubectl-meshpanel\n"
                                 "# meshpanel zsh completion (meshpanel completion zsh): the bash "
                                 "one, through zsh's bashcompinit\n"
                                 "autoload -U +X bashcompinit && bashcompinit\n";

static const char fish_script[] =
    "# meshpanel fish completion (meshpanel completion fish)\n"
    "function __meshpanel_cmd\n"
    "    set -l words (commandline -opc)\n"
    "    for w in $words[2..-1]\n"
    "        if not string match -q -- '-*' $w\n"
    "            echo $w\n"
    "            return\n"
    "        end\n"
    "    end\n"
    "end\n"
    "function __meshpanel_no_cmd\n"
    "    test -z (__meshpanel_cmd)\n"
    "end\n"
    "function __meshpanel_commands\n"
    "    meshpanel --help 2>/dev/null | sed -n '/^commands:/,/^$/p' | "
    "awk 'NF && $1 != \"commands:\" {print $1}'\n"
    "end\n"
    "function __meshpanel_flags\n"
    "    meshpanel (__meshpanel_cmd) --help 2>&1 | grep -oE -- '(^|[][ "
    "|,])--?[a-zA-Z][a-zA-Z0-9-]*' "
    "| sed 's/^[][ |,]//' | sort -u\n"
    "end\n"
    "complete -c meshpanel -f\n"
    "complete -c meshpanel -n __meshpanel_no_cmd -a '(__meshpanel_commands)'\n"
    "complete -c meshpanel -n 'string match -q -- \"-*\" (commandline -ct)' -a "
    "'(__meshpanel_flags)'\n"
    "complete -c meshpanel -l context -x -a '(meshpanel config get-contexts -o name 2>/dev/null)'\n"
    "complete -c meshpanel -s n -l namespace -x -a '(timeout 3 meshpanel get tenants -o name "
    "--request-timeout 2s 2>/dev/null | string replace -r \".*/\" \"\")'\n"
    "complete -c meshpanel -l theme -x -a 'default light high-contrast mono'\n"
    "complete -c meshpanel -n '__fish_seen_subcommand_from migrate; and not "
    "__fish_seen_subcommand_from plan apply verify cutover retire' -a 'plan apply verify cutover "
    "retire'\n"
    "complete -c meshpanel -l mode -x -a 'full partial dual'\n"
    "complete -c meshpanel -l fail-on -x -a 'warning error'\n"
    "complete -c meshpanel -l kubeconfig -r -F\n"
    "complete -c meshpanel -s f -l filename -r -F\n";

int cmd_completion(int argc, char **argv)
{
    const char *shell = argc > 1 ? argv[1] : "";
    if (!strcmp(shell, "-h") || !strcmp(shell, "--help")) {
        printf("usage: meshpanel completion bash|zsh|fish\n\n"
               "Prints a completion script. Load it for this shell with\n"
               "  source <(meshpanel completion bash)     (zsh: the same with zsh)\n"
               "  meshpanel completion fish | source\n"
               "Installed packages load it by themselves.\n");
        return 0;
    }
    if (!strcmp(shell, "bash")) {
        fputs(bash_script, stdout);
    } else if (!strcmp(shell, "zsh")) {
        fputs(zsh_script, stdout);
        fputs(bash_script, stdout);
    } else if (!strcmp(shell, "fish")) {
        fputs(fish_script, stdout);
    } else {
        fprintf(stderr, "meshpanel completion: %s%s%s (bash, zsh or fish)\n",
                *shell ? "unknown shell \"" : "which shell?", shell, *shell ? "\"" : "");
        return 2;
    }
    return 0;
}
