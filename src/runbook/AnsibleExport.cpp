// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/AnsibleExport.h"

#include "profiles/Profile.h"
#include "runbook/Runbook.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace socketscope::AnsibleExport {

// YAML double-quoted scalar.
static QString yq(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

// A variable's value from a profile: a YAML double-quoted scalar tagged !unsafe, so that Ansible
// never templates it ("{{ lookup('pipe', …) }}" in a site-file path would run on the controller).
static QString unsafeValue(const QString& s)
{
    return QStringLiteral("!unsafe ") + yq(s);
}

// An nginx directive → the lineinfile regexp that finds the same directive (any value).
static QString directiveRegexp(const QString& directive)
{
    const QStringList words = directive.simplified().split(QLatin1Char(' '));
    QString key = QRegularExpression::escape(words.value(0));
    if (words.value(0) == QLatin1String("proxy_set_header") && words.size() > 1)
        key += QStringLiteral("\\s+") + QRegularExpression::escape(words.at(1));
    return QStringLiteral("^\\s*") + key + QStringLiteral("\\s");
}

Result<QString> playbook(const Runbook& runbook, const Profile* profile)
{
    QStringList directives;
    for (const QJsonValue& v : runbook.ansible.value(QLatin1String("directives")).toArray())
        directives << v.toString();
    if (directives.isEmpty())
        return Result<QString>::failure(QObject::tr("runbook \"%1\" has no \"ansible\" section: it cannot be exported as a playbook").arg(runbook.name));

    auto pick = [&](const QString& value, const QString& fallback) { return profile && !value.isEmpty() ? value : fallback; };
    const QString site = pick(profile ? profile->nginx.siteFile : QString(), QStringLiteral("/etc/nginx/sites-available/CHANGE-ME"));
    const QString backupDir = pick(profile ? profile->nginx.backupDir : QString(), QStringLiteral("/var/backups/socketscope"));
    const QString testCmd = pick(profile ? profile->nginx.testCommand : QString(), QStringLiteral("nginx -t"));
    const QString reloadCmd = pick(profile ? profile->nginx.reloadCommand : QString(), QStringLiteral("systemctl reload nginx"));
    const QString errorLog = pick(profile ? profile->logs.nginxErrorLog : QString(), QStringLiteral("/var/log/nginx/error.log"));
    const QString publicUrl = pick(profile ? profile->publicUrl : QString(), QStringLiteral("wss://CHANGE-ME/ws"));
    QUrl url(publicUrl);
    const bool tls = url.scheme() == QLatin1String("wss");
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    const int port = url.port(tls ? 443 : 80);

    QString y;
    y += QStringLiteral("# %1 — exported by SocketScope from the runbook \"%2\".\n").arg(runbook.title, runbook.name);
    y += QStringLiteral("# Apply to a fleet: ansible-playbook -i INVENTORY %1.yml [-e site_file=...]\n").arg(runbook.name);
    y += QStringLiteral("# What it does, like the guided runbook: back up the site file OUTSIDE every directory nginx\n"
                        "# includes (never sites-enabled/ or conf.d/), add the WebSocket proxy directives to the one\n"
                        "# location that has proxy_pass, validate with nginx before the file is replaced, reload,\n"
                        "# then prove the reload took effect (no new [emerg]/[alert]) and that the upgrade works.\n"
                        "# lineinfile edits the first proxy_pass location only: for files with several proxied\n"
                        "# locations, run `socketscope-cli runbook run %1` per host instead.\n").arg(runbook.name);
    y += QStringLiteral("- name: %1\n").arg(yq(runbook.title));
    y += QStringLiteral("  hosts: \"{{ target_hosts | default('nginx_proxies') }}\"\n");
    y += QStringLiteral("  become: true\n");
    y += QStringLiteral("  vars:\n");
    y += QStringLiteral("    site_file: %1\n").arg(unsafeValue(site));
    y += QStringLiteral("    backup_dir: %1\n").arg(unsafeValue(backupDir));
    y += QStringLiteral("    nginx_test_command: %1\n").arg(unsafeValue(testCmd));
    y += QStringLiteral("    nginx_reload_command: %1\n").arg(unsafeValue(reloadCmd));
    y += QStringLiteral("    nginx_error_log: %1\n").arg(unsafeValue(errorLog));
    y += QStringLiteral("    websocket_check_url: %1\n").arg(unsafeValue(url.toString()));
    y += QStringLiteral("    websocket_port: %1\n").arg(port);
    y += QStringLiteral("  handlers:\n");
    y += QStringLiteral("    - name: reload nginx\n");
    y += QStringLiteral("      ansible.builtin.command: \"{{ nginx_reload_command }}\"\n");
    y += QStringLiteral("      notify: prove the reload took effect\n");
    y += QStringLiteral("    - name: prove the reload took effect\n");
    y += QStringLiteral("      # An exit code alone is never trusted: a port clash passes nginx -t and reload while nginx\n"
                        "      # keeps the old configuration and logs [emerg].\n");
    y += QStringLiteral("      ansible.builtin.shell: \"sleep 2; tail -c +$(( {{ error_log_size.stat.size | default(0) }} + 1 )) {{ nginx_error_log | quote }} | grep -E '\\\\[(emerg|alert)\\\\]' && exit 1 || exit 0\"\n");
    y += QStringLiteral("      changed_when: false\n");
    y += QStringLiteral("  tasks:\n");
    y += QStringLiteral("    - name: The site file is a real file, not a plain file in sites-enabled\n");
    y += QStringLiteral("      ansible.builtin.stat:\n        path: \"{{ site_file }}\"\n      register: site\n");
    y += QStringLiteral("    - ansible.builtin.assert:\n");
    y += QStringLiteral("        that:\n          - site.stat.exists\n          - \"'/sites-enabled/' not in site_file\"\n");
    y += QStringLiteral("        fail_msg: \"edit the file in sites-available (sites-enabled should only hold symlinks)\"\n");
    y += QStringLiteral("    - name: Remember the error log size (to read only what the reload logs)\n");
    y += QStringLiteral("      ansible.builtin.stat:\n        path: \"{{ nginx_error_log }}\"\n      register: error_log_size\n");
    y += QStringLiteral("    - name: Backup directory outside every directory nginx includes\n");
    y += QStringLiteral("      ansible.builtin.file:\n        path: \"{{ backup_dir }}\"\n        state: directory\n        mode: \"0750\"\n");
    y += QStringLiteral("    - name: Timestamped backup, verified by checksum\n");
    y += QStringLiteral("      ansible.builtin.copy:\n        src: \"{{ site_file }}\"\n"
                        "        dest: \"{{ backup_dir }}/{{ site_file | basename }}.backup.{{ ansible_date_time.date | replace('-', '') }}_{{ ansible_date_time.time | replace(':', '') }}\"\n"
                        "        remote_src: true\n        mode: preserve\n        checksum: \"{{ site.stat.checksum }}\"\n      register: backup\n");
    y += QStringLiteral("    - name: Backup path for the audit trail\n");
    y += QStringLiteral("      ansible.builtin.debug:\n        msg: \"backup of {{ site_file }} at {{ backup.dest }}\"\n");
    for (const QString& d : std::as_const(directives)) {
        y += QStringLiteral("    - name: %1\n").arg(yq(QStringLiteral("WebSocket proxy: ") + d));
        y += QStringLiteral("      ansible.builtin.lineinfile:\n");
        y += QStringLiteral("        path: \"{{ site_file }}\"\n");
        y += QStringLiteral("        regexp: %1\n").arg(yq(directiveRegexp(d)));
        y += QStringLiteral("        line: %1\n").arg(yq(QStringLiteral("        ") + d));
        y += QStringLiteral("        insertafter: '^\\s*proxy_pass\\s'\n");
        y += QStringLiteral("        firstmatch: true\n");
        // The site file alone is not a full nginx config: validate it inside a minimal one.
        y += QStringLiteral(R"(        validate: "/bin/sh -c 'f=$1; echo \"events {} http { include $f; }\" > \"$f.main\" && nginx -t -c \"$f.main\"; rc=$?; rm -f \"$f.main\"; exit $rc' sh %s")"
                            "\n");
        y += QStringLiteral("      notify: reload nginx\n");
    }
    y += QStringLiteral("    - name: The whole configuration still passes the test\n");
    y += QStringLiteral("      ansible.builtin.command: \"{{ nginx_test_command }}\"\n      changed_when: false\n");
    y += QStringLiteral("    - name: Apply the reload now\n      ansible.builtin.meta: flush_handlers\n");
    y += QStringLiteral("    - name: The proxy listens\n");
    y += QStringLiteral("      ansible.builtin.wait_for:\n        port: \"{{ websocket_port }}\"\n        timeout: 30\n");
    y += QStringLiteral("    - name: The WebSocket upgrade answers 101 through the proxy\n");
    y += QStringLiteral("      ansible.builtin.uri:\n        url: \"{{ websocket_check_url }}\"\n        status_code: 101\n"
                        "        timeout: 10\n        validate_certs: true\n        headers:\n"
                        "          Connection: Upgrade\n          Upgrade: websocket\n          Sec-WebSocket-Version: \"13\"\n"
                        "          Sec-WebSocket-Key: \"dGhlIHNhbXBsZSBub25jZQ==\"\n");
    y += QStringLiteral("  # Rollback: copy the backup (printed above) over site_file, run the test command, reload.\n");
    return y;
}

} // namespace socketscope::AnsibleExport
