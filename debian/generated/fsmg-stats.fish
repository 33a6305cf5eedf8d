# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fsmg_stats_global_optspecs
    string join \n store= node= by-node anonymize-ip log-format= date-format= time-format= nginx-format= json-field= goaccess-config= j/threads= projects= geoip-db= no-geoip ignore-crawlers exclude-ip= ignore-status= ignore-referrer= since= until= format= o/output= title= show-ips top= config= q/quiet h/help V/version
end

function __fish_fsmg_stats_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fsmg_stats_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fsmg_stats_using_subcommand
    set -l cmd (__fish_fsmg_stats_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l store -d 'Report a store (see `ingest`) instead of logs; as `fsmg-stats report --store DIR`' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l node -d 'The node (anycast site) of every input (default: NAME of a NAME=PATH argument, else each file\'s parent directory name); with --store, only that node\'s data' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l log-format -d 'The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT, CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache LogFormat (\'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"\') or a GoAccess format (\'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"\', plain or JSON). Default: each input\'s first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l date-format -d 'GoAccess\'s date format for %d in a GoAccess --log-format (strftime; %f and %* are micro- and milliseconds since the epoch). Default: %d/%b/%Y' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l time-format -d 'GoAccess\'s time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l nginx-format -d 'An nginx log_format string (\'$remote_addr - $remote_user [$time_local] "$request" ...\'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l json-field -d 'For JSON logs: read field NAME (host, time, request, method, path, query, protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms, duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g. request.headers.User-Agent); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l goaccess-config -d 'Read the log, date and time formats (and log-file, geoip-database, the filters and html-report-title) from an existing goaccess.conf' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -s j -l threads -d 'Parser threads. Default: all cores' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l projects -d 'TOML file mapping path prefixes to project names (see examples/projects.toml)' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l geoip-db -d 'MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN, DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l exclude-ip -d 'Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9) or a network (203.0.113.0/24); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l ignore-status -d 'Leave out requests answered with status CODE; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l ignore-referrer -d 'Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l since -d 'First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l until -d 'Last day to count, as --since. Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l format -d 'Report format on standard output. Default: text, or nothing when -o is given' -r -f -a "text\t''
json\t''
html\t''
markdown\t'The headline numbers as Markdown (the sponsor report without a comparison)'
csv\t'One row per item of every panel, for spreadsheets'"
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -s o -l output -d 'Write the report to FILE, its format from the extension: .json, .txt, .html, .md, .csv, or .parquet for one row per request; repeatable. Written atomically' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l title -d 'The title of the HTML dashboard and the sponsor report' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l top -d 'Rows kept of the top-N tables (files, networks broken down by project, GoAccess\'s panels); the HTML dashboard shows this many rows of every table before "show all". Default: `top` in the config file, else 10' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l by-node -d 'Every table once per node too, after the totals (text, and JSON `by_node`; the HTML dashboard shows the totals and the nodes panel)'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l anonymize-ip -d 'Replace client addresses in request rows (-o FILE.parquet) by their network: IPv4 /24, IPv6 /64, as GoAccess\'s option does'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l no-geoip -d 'No country or network lookups'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l ignore-crawlers -d 'Leave crawlers\' requests out, as GoAccess\'s option does'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -l show-ips -d 'Show client addresses in the heavy-hitters table and failed-line samples. Off by default: reports get published'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -s V -l version -d 'Print version'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "ingest" -d 'Add the log lines not yet in a Parquet store, exactly once (the nightly job)'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "report" -d 'The report of a store (see `ingest`), as the report of logs'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "sponsor" -d 'A short report for sponsors, as Markdown or HTML'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "top" -d 'A live terminal dashboard of the logs as they grow (`q` quits, `?` lists keys)'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "serve" -d 'The HTML dashboard of the logs as they grow, served live over HTTP'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "store" -d 'Look after a store: `store check DIR` verifies it, `store compact DIR` merges its days\' parts'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "man" -d 'Print the manual page (roff)'
complete -c fsmg-stats -n "__fish_fsmg_stats_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l store -d 'The store to add to (created if missing). Required' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l node -d 'The node (anycast site) the logs come from: a partition of the store, e.g. hlz. Required' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l log-format -d 'The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT, CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache LogFormat (\'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"\') or a GoAccess format (\'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"\', plain or JSON). Default: each input\'s first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l date-format -d 'GoAccess\'s date format for %d in a GoAccess --log-format (strftime; %f and %* are micro- and milliseconds since the epoch). Default: %d/%b/%Y' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l time-format -d 'GoAccess\'s time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l nginx-format -d 'An nginx log_format string (\'$remote_addr - $remote_user [$time_local] "$request" ...\'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l json-field -d 'For JSON logs: read field NAME (host, time, request, method, path, query, protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms, duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g. request.headers.User-Agent); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l goaccess-config -d 'Read the log, date and time formats (and log-file, geoip-database, the filters and html-report-title) from an existing goaccess.conf' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -s j -l threads -d 'Parser threads. Default: all cores' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l projects -d 'TOML file mapping path prefixes to project names (see examples/projects.toml)' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l geoip-db -d 'MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN, DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l anonymize-ip -d 'Store each client address as its network (IPv4 /24, IPv6 /64), as GoAccess\'s option does. Visitors then count per network and agent'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -l no-geoip -d 'No country or network lookups'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand ingest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l store -d 'The store to report (written by `ingest`). Required' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l node -d 'Only this node\'s data' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l since -d 'First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l until -d 'Last day to count, as --since. Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l format -d 'Report format on standard output. Default: text, or nothing when -o is given' -r -f -a "text\t''
json\t''
html\t''
markdown\t'The headline numbers as Markdown (the sponsor report without a comparison)'
csv\t'One row per item of every panel, for spreadsheets'"
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -s o -l output -d 'Write the report to FILE, its format from the extension: .json, .txt, .html, .md, .csv, or .parquet for one row per request; repeatable. Written atomically' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l title -d 'The title of the HTML dashboard and the sponsor report' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l top -d 'Rows kept of the top-N tables (files, networks broken down by project, GoAccess\'s panels); the HTML dashboard shows this many rows of every table before "show all". Default: `top` in the config file, else 10' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l by-node -d 'Every table once per node too, after the totals'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -l show-ips -d 'Show client addresses in the heavy-hitters table and failed-line samples. Off by default: reports get published'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l store -d 'Report a store instead of logs' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l node -d 'The node of every input; with --store, only that node\'s data' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l log-format -d 'The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT, CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache LogFormat (\'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"\') or a GoAccess format (\'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"\', plain or JSON). Default: each input\'s first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l date-format -d 'GoAccess\'s date format for %d in a GoAccess --log-format (strftime; %f and %* are micro- and milliseconds since the epoch). Default: %d/%b/%Y' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l time-format -d 'GoAccess\'s time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l nginx-format -d 'An nginx log_format string (\'$remote_addr - $remote_user [$time_local] "$request" ...\'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l json-field -d 'For JSON logs: read field NAME (host, time, request, method, path, query, protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms, duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g. request.headers.User-Agent); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l goaccess-config -d 'Read the log, date and time formats (and log-file, geoip-database, the filters and html-report-title) from an existing goaccess.conf' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -s j -l threads -d 'Parser threads. Default: all cores' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l projects -d 'TOML file mapping path prefixes to project names (see examples/projects.toml)' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l geoip-db -d 'MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN, DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l exclude-ip -d 'Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9) or a network (203.0.113.0/24); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l ignore-status -d 'Leave out requests answered with status CODE; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l ignore-referrer -d 'Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l since -d 'First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l until -d 'Last day to count, as --since. Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l format -d 'Report format on standard output. Default: text, or nothing when -o is given' -r -f -a "text\t''
json\t''
html\t''
markdown\t'The headline numbers as Markdown (the sponsor report without a comparison)'
csv\t'One row per item of every panel, for spreadsheets'"
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -s o -l output -d 'Write the report to FILE, its format from the extension: .json, .txt, .html, .md, .csv, or .parquet for one row per request; repeatable. Written atomically' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l title -d 'The title of the HTML dashboard and the sponsor report' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l top -d 'Rows kept of the top-N tables (files, networks broken down by project, GoAccess\'s panels); the HTML dashboard shows this many rows of every table before "show all". Default: `top` in the config file, else 10' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l no-geoip -d 'No country or network lookups'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l ignore-crawlers -d 'Leave crawlers\' requests out, as GoAccess\'s option does'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -l show-ips -d 'Show client addresses in the heavy-hitters table and failed-line samples. Off by default: reports get published'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand sponsor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l node -d 'The node of every input' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l log-format -d 'The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT, CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache LogFormat (\'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"\') or a GoAccess format (\'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"\', plain or JSON). Default: each input\'s first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l date-format -d 'GoAccess\'s date format for %d in a GoAccess --log-format (strftime; %f and %* are micro- and milliseconds since the epoch). Default: %d/%b/%Y' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l time-format -d 'GoAccess\'s time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l nginx-format -d 'An nginx log_format string (\'$remote_addr - $remote_user [$time_local] "$request" ...\'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l json-field -d 'For JSON logs: read field NAME (host, time, request, method, path, query, protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms, duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g. request.headers.User-Agent); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l goaccess-config -d 'Read the log, date and time formats (and log-file, geoip-database, the filters and html-report-title) from an existing goaccess.conf' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -s j -l threads -d 'Parser threads. Default: all cores' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l projects -d 'TOML file mapping path prefixes to project names (see examples/projects.toml)' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l geoip-db -d 'MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN, DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l exclude-ip -d 'Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9) or a network (203.0.113.0/24); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l ignore-status -d 'Leave out requests answered with status CODE; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l ignore-referrer -d 'Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l since -d 'First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l until -d 'Last day to count, as --since. Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l no-geoip -d 'No country or network lookups'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -l ignore-crawlers -d 'Leave crawlers\' requests out, as GoAccess\'s option does'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l node -d 'The node of every input' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l log-format -d 'The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT, CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache LogFormat (\'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"\') or a GoAccess format (\'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"\', plain or JSON). Default: each input\'s first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l date-format -d 'GoAccess\'s date format for %d in a GoAccess --log-format (strftime; %f and %* are micro- and milliseconds since the epoch). Default: %d/%b/%Y' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l time-format -d 'GoAccess\'s time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l nginx-format -d 'An nginx log_format string (\'$remote_addr - $remote_user [$time_local] "$request" ...\'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l json-field -d 'For JSON logs: read field NAME (host, time, request, method, path, query, protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms, duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g. request.headers.User-Agent); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l goaccess-config -d 'Read the log, date and time formats (and log-file, geoip-database, the filters and html-report-title) from an existing goaccess.conf' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -s j -l threads -d 'Parser threads. Default: all cores' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l projects -d 'TOML file mapping path prefixes to project names (see examples/projects.toml)' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l geoip-db -d 'MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN, DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l exclude-ip -d 'Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9) or a network (203.0.113.0/24); repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l ignore-status -d 'Leave out requests answered with status CODE; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l ignore-referrer -d 'Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it; repeatable' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l since -d 'First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l until -d 'Last day to count, as --since. Inclusive' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l config -d 'Configuration file. Default: $FSMG_STATS_CONFIG, else ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l listen -d 'Address and port to listen on; port 0 takes a free one (printed). Default: 127.0.0.1:8080, this machine only. Any other address needs a token' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l token -d 'The token every request must carry (?token=, or Authorization: Bearer); the address printed at start has it. At least 16 letters, digits, \'-\', \'_\', \'.\' or \'~\' (e.g. `openssl rand -hex 16`)' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l token-file -d 'Read the token from FILE (its first line), out of sight of `ps`' -r -F
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l no-geoip -d 'No country or network lookups'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -l ignore-crawlers -d 'Leave crawlers\' requests out, as GoAccess\'s option does'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -s q -l quiet -d 'No progress bar and no warnings; errors still go to stderr'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and not __fish_seen_subcommand_from check compact help" -s h -l help -d 'Print help'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and not __fish_seen_subcommand_from check compact help" -f -a "check" -d 'Verify a store and say what is wrong, changing nothing'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and not __fish_seen_subcommand_from check compact help" -f -a "compact" -d 'Merge the parts several runs wrote for one day and node into one; no report changes'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and not __fish_seen_subcommand_from check compact help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from compact" -l month -d 'Only this month (YYYY-MM)' -r
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from compact" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "check" -d 'Verify a store and say what is wrong, changing nothing'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "compact" -d 'Merge the parts several runs wrote for one day and node into one; no report changes'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "ingest" -d 'Add the log lines not yet in a Parquet store, exactly once (the nightly job)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "report" -d 'The report of a store (see `ingest`), as the report of logs'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "sponsor" -d 'A short report for sponsors, as Markdown or HTML'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "top" -d 'A live terminal dashboard of the logs as they grow (`q` quits, `?` lists keys)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "serve" -d 'The HTML dashboard of the logs as they grow, served live over HTTP'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "store" -d 'Look after a store: `store check DIR` verifies it, `store compact DIR` merges its days\' parts'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "man" -d 'Print the manual page (roff)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and not __fish_seen_subcommand_from ingest report sponsor top serve store completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "check" -d 'Verify a store and say what is wrong, changing nothing'
complete -c fsmg-stats -n "__fish_fsmg_stats_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "compact" -d 'Merge the parts several runs wrote for one day and node into one; no report changes'
