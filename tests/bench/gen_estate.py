#!/usr/bin/env python3
"""Generates a realistic estate/1 of N configuration items for benchmarks.

    tests/bench/gen_estate.py --cis 100000 --out /tmp/estate-100k

Zones (internet, DMZs, application, database, management, office, test), one /24 subnet per
~200 CIs, an edge firewall and internal firewalls with ordered rules (thousands at 100k CIs),
NAT, customer WAFs and load balancers forwarding to application servers, ~5 relations per CI,
a CA hierarchy with certificates, vulnerabilities, changes. Split into files by source system, as
real exports are. Deterministic for a given --seed.
"""
import argparse
import os
import random


def q(s):
    return '"' + s + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cis", type=int, default=10000, help="number of server-like CIs")
    ap.add_argument("--relations-per-ci", type=float, default=5.0)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=0, help="CI files (default: one per 50k CIs)")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    n = args.cis
    os.makedirs(os.path.join(args.out, "cmdb"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "network"), exist_ok=True)
    meta = '[meta]\nformat = "estate/1"\nsource = "gen_estate.py"\nexported_at = 2026-11-21T05:00:00Z\n\n'

    # Zones: per 5000 CIs one app zone, one db zone, one dmz.
    groups = max(1, n // 5000)
    zones = [("internet", "internet"), ("mgmt", "management"), ("office", "internal"), ("cust-svc", "internal")]
    for g in range(groups):
        zones += [(f"dmz-{g}", "dmz"), (f"app-{g}", "internal"), (f"db-{g}", "internal")]
    subnets = []  # (id, zone, prefix "10.a.b")
    counter = [0]

    def new_subnet(zone):
        k = counter[0]
        counter[0] += 1
        sid = f"{zone}-s{k}"
        subnets.append((sid, zone, f"10.{(k >> 8) & 255}.{k & 255}"))
        return subnets[-1]

    out = open(os.path.join(args.out, "network", "zones.toml"), "w")
    out.write(meta)
    for zid, kind in zones:
        out.write(f'[[zone]]\nid = {q(zid)}\nkind = {q(kind)}\n\n')
    mgmt_sn = new_subnet("mgmt")
    office_sn = new_subnet("office")
    svc_sn = new_subnet("cust-svc")

    # Server-like CIs spread over app/db/dmz zones; a subnet holds up to 200 of them.
    cis = []  # (id, class, zone, subnet, ip, listens)
    per_zone_fill = {}
    for i in range(n):
        g = i % groups
        r = rnd.random()
        zone = f"app-{g}" if r < 0.6 else (f"db-{g}" if r < 0.85 else f"dmz-{g}")
        sn, used = per_zone_fill.get(zone, (None, 200))
        if used >= 200:
            sn, used = new_subnet(zone), 0
        per_zone_fill[zone] = (sn, used + 1)
        cls = "database" if zone.startswith("db") else rnd.choice(["vm", "vm", "server", "application"])
        listens = ["tcp/22"] if rnd.random() < 0.8 else ["tcp/3389"]
        listens.append("tcp/5432" if cls == "database" else rnd.choice(["tcp/8443", "tcp/443", "tcp/8080"]))
        cis.append((f"srv-{i:07d}", cls, zone, sn[0], f"{sn[2]}.{used + 10}", listens))

    # Security services of the customer and network devices.
    special = [
        ("pam-1", "pam", "mgmt", mgmt_sn[0], f"{mgmt_sn[2]}.10", ["tcp/443"], "customer"),
        ("jump-1", "jump_server", "mgmt", mgmt_sn[0], f"{mgmt_sn[2]}.11", ["tcp/3389"], "contractor"),
        ("siem-1", "siem", "cust-svc", svc_sn[0], f"{svc_sn[2]}.10", ["tcp/514"], "customer"),
        ("dns-1", "dns", "cust-svc", svc_sn[0], f"{svc_sn[2]}.11", ["udp/53"], "customer"),
        ("ca-root", "ca", "cust-svc", svc_sn[0], f"{svc_sn[2]}.12", [], "customer"),
        ("ca-issuing", "ca", "cust-svc", svc_sn[0], f"{svc_sn[2]}.13", [], "customer"),
    ]
    wafs = []
    for g in range(groups):
        dmz_sn = per_zone_fill.get(f"dmz-{g}", (None, 0))[0] or new_subnet(f"dmz-{g}")
        special.append((f"waf-{g}", "waf", f"dmz-{g}", dmz_sn[0], f"{dmz_sn[2]}.250", ["tcp/443"], "customer"))
        special.append((f"lb-{g}", "load_balancer", f"dmz-{g}", dmz_sn[0], f"{dmz_sn[2]}.251", ["tcp/443"], "contractor"))
        wafs.append(g)

    out = open(os.path.join(args.out, "network", "subnets.toml"), "w")
    out.write(meta)
    for sid, zone, prefix in subnets:
        out.write(f'[[subnet]]\nid = {q(sid)}\nzone = {q(zone)}\ncidr = "{prefix}.0/24"\nagreed = true\n\n')
    out.close()

    # Firewalls: the edge firewall joins internet and the DMZs; one internal firewall per group.
    fws = []
    edge_itfs = [("internet", None, "203.0.113.1")]
    for g in range(groups):
        edge_itfs.append((f"dmz-{g}", None, None))
    fws.append(("fw-edge", edge_itfs))
    for g in range(groups):
        fws.append((f"fw-int-{g}", [(f"dmz-{g}", None, None), (f"app-{g}", None, None), (f"db-{g}", None, None),
                                    ("mgmt", None, None), ("office", None, None), ("cust-svc", None, None)]))

    nfiles = args.files or max(1, n // 50000)
    files = [open(os.path.join(args.out, "cmdb", f"servers-{k:02d}.toml"), "w") for k in range(nfiles)]
    for f in files:
        f.write(meta)
    agents = ('agents = [{ kind = "edr", product = "Defender for Endpoint", provided_by = "customer", '
              'state = "running", role = "leading" }, { kind = "siem", product = "Splunk UF", '
              'provided_by = "customer", state = "running" }]\n')
    for idx, (cid, cls, zone, sn, ip, listens) in enumerate(cis):
        f = files[idx % nfiles]
        f.write(f'[[ci]]\nid = {q(cid)}\nclass = {q(cls)}\nname = "Generated {cid}"\nenvironment = "prod"\n'
                f'lifecycle = "operational"\noperational_status = "operational"\nprovided_by = "contractor"\n'
                f'service = "svc-{idx % 97}"\nsite = "fra-1"\nfire_zone = "fra-1-{"ab"[idx % 2]}"\nowner = "ops"\n'
                f'updated_at = 2026-11-21T05:10:00Z\n'
                f'billing = {{ cost_center = "4711", contract_item = "IaaS-VM-M" }}\n'
                f'os = {{ family = "linux", name = "RHEL", version = "9.4" }}\n'
                f'interfaces = [{{ subnet = {q(sn)}, ip = {q(ip)} }}]\n'
                f'listens = [{", ".join(q(s) for s in listens)}]\n' + agents +
                f'trust = {{ roots = ["ca-root"], revocation = "ocsp" }}\n'
                f'certificates = ["cert-{cid}"]\n'
                f'identity = {{ directory = "ldap" }}\n'
                f'dns = ["dns-1"]\nlog_targets = ["siem-1"]\n'
                f'vuln_scan = {{ last = 2026-11-21T02:00:00Z, method = "agent" }}\n'
                f'sam_scan = {{ last = 2026-11-21T03:00:00Z }}\n\n')
    for f in files:
        f.close()

    out = open(os.path.join(args.out, "cmdb", "services.toml"), "w")
    out.write(meta)
    for cid, cls, zone, sn, ip, listens, prov in special:
        extra = 'root = true\n' if cid == "ca-root" else ('issuer = "ca-root"\n' if cid == "ca-issuing" else "")
        out.write(f'[[ci]]\nid = {q(cid)}\nclass = {q(cls)}\nprovided_by = {q(prov)}\n'
                  f'interfaces = [{{ subnet = {q(sn)}, ip = {q(ip)} }}]\n'
                  f'listens = [{", ".join(q(s) for s in listens)}]\n{extra}\n')
    for fid, itfs in fws:
        parts = []
        for zone, _, ip in itfs:
            parts.append(f'{{ zone = {q(zone)}' + (f', ip = {q(ip)}' if ip else '') + ' }')
        out.write(f'[[ci]]\nid = {q(fid)}\nclass = "firewall"\nprovided_by = "contractor"\nips = true\n'
                  f'interfaces = [{", ".join(parts)}]\n\n')
    out.close()

    # Rules: the edge publishes each WAF; internal firewalls allow per-subnet flows, admin from PAM
    # and jump, plus a long tail of host rules, closing with a cleanup deny.
    out = open(os.path.join(args.out, "network", "rules.toml"), "w")
    out.write(meta)
    order = 100
    for g in wafs:
        out.write(f'[[rule]]\nfirewall = "fw-edge"\norder = {order}\naction = "allow"\nfrom = ["zone:internet"]\n'
                  f'to = ["ci:waf-{g}"]\nservices = ["tcp/443"]\nref = "CHG{order:07d}"\n\n')
        order += 1
        out.write(f'[[nat]]\nfirewall = "fw-edge"\npublic = "198.51.{g // 250}.{g % 250 + 1}"\nservice = "tcp/443"\n'
                  f'to_ci = "waf-{g}"\n\n')
    out.write(f'[[rule]]\nfirewall = "fw-edge"\norder = 9999\naction = "deny"\nfrom = ["any"]\nto = ["any"]\n'
              f'services = ["any"]\nref = "cleanup"\n\n')
    app_subnets = {}
    for sid, zone, prefix in subnets:
        app_subnets.setdefault(zone, []).append(sid)
    host_rules = max(100, n // 50)
    for g in range(groups):
        fw = f"fw-int-{g}"
        order = 100
        rules = [
            (["ci:pam-1"], ["any"], ["tcp/22", "tcp/3389"], "allow"),
            (["ci:jump-1"], [f"zone:app-{g}"], ["tcp/3389"], "allow"),
            ([f"ci:lb-{g}"], [f"zone:app-{g}"], ["tcp/8443", "tcp/443", "tcp/8080"], "allow"),
            (["zone:office"], [f"zone:app-{g}"], ["tcp/22"], "deny"),
        ]
        for sid in app_subnets.get(f"app-{g}", []):
            rules.append(([f"subnet:{sid}"], [f"zone:db-{g}"], ["tcp/5432"], "allow"))
        for k in range(host_rules // groups):
            src = rnd.choice(cis)
            dst = rnd.choice(cis)
            rules.append(([f"ci:{src[0]}"], [f"ci:{dst[0]}"], [rnd.choice(["tcp/8443", "tcp/443", "tcp/8000-8100"])],
                          rnd.choice(["allow", "allow", "deny"])))
        for frm, to, svcs, action in rules:
            out.write(f'[[rule]]\nfirewall = {q(fw)}\norder = {order}\naction = {q(action)}\n'
                      f'from = [{", ".join(q(x) for x in frm)}]\nto = [{", ".join(q(x) for x in to)}]\n'
                      f'services = [{", ".join(q(x) for x in svcs)}]\nref = "CHG{order:07d}"\n\n')
            order += 1
        out.write(f'[[rule]]\nfirewall = {q(fw)}\norder = 99999\naction = "deny"\nfrom = ["any"]\nto = ["any"]\n'
                  f'services = ["any"]\nref = "cleanup"\n\n')
    out.close()

    # Relations (~relations_per_ci per CI), forwarding chains, certificates, vulnerabilities.
    # Relations and certificates are split like the CI files: one export file per 50k CIs keeps
    # each file's parse tree (about 11x the file size) small.
    rel_files = [open(os.path.join(args.out, "cmdb", f"relations-{k:02d}.toml"), "w") for k in range(nfiles)]
    for f in rel_files:
        f.write(meta)
    out = rel_files[0]
    for g in range(groups):
        out.write(f'[[relation]]\nfrom = "waf-{g}"\nto = "lb-{g}"\ntype = "forwards_to"\non = "tcp/443"\n'
                  f'services = ["tcp/443"]\nruleset = "waf-app-{g}"\n\n')
    app_by_group = {}
    for c in cis:
        if c[2].startswith("app-"):
            app_by_group.setdefault(c[2], []).append(c)
    for g in range(groups):
        for c in app_by_group.get(f"app-{g}", [])[:20]:
            out.write(f'[[relation]]\nfrom = "lb-{g}"\nto = {q(c[0])}\ntype = "forwards_to"\non = "tcp/443"\n'
                      f'services = [{q(c[5][1])}]\n\n')
    types = ["depends_on", "runs_on", "member_of", "manages", "replicates_to"]
    total = int(n * args.relations_per_ci)
    for k in range(total):
        a = cis[k % n][0]
        b = cis[rnd.randrange(n)][0]
        rel_files[k * nfiles // total].write(
            f'[[relation]]\nfrom = {q(a)}\nto = {q(b)}\ntype = {q(types[k % len(types)])}\n\n')
    for f in rel_files:
        f.close()

    pki_files = [open(os.path.join(args.out, "cmdb", f"pki-{k:02d}.toml"), "w") for k in range(nfiles)]
    for f in pki_files:
        f.write(meta)
    for idx, c in enumerate(cis):
        pki_files[idx * nfiles // n].write(f'[[certificate]]\nid = "cert-{c[0]}"\nsubject = "{c[0]}.example.de"\nissuer = "ca-issuing"\n'
                  f'not_after = 2027-0{rnd.randint(1, 9)}-01T00:00:00Z\n\n')
    for f in pki_files:
        f.close()

    out = open(os.path.join(args.out, "cmdb", "vulnerabilities.toml"), "w")
    out.write(meta)
    for k in range(n // 10):
        c = cis[rnd.randrange(n)]
        out.write(f'[[vulnerability]]\nci = {q(c[0])}\ncve = "CVE-2026-{k:05d}"\ncvss = {rnd.choice([9.8, 7.5, 5.3, 3.1])}\n'
                  f'kev = false\nfirst_seen = 2026-11-0{rnd.randint(1, 9)}\nstatus = "open"\n\n')
    out.close()
    print(f"wrote {n} CIs + {len(special) + len(fws)} services/devices, {len(subnets)} subnets, "
          f"{len(zones)} zones, {total} relations to {args.out}")


if __name__ == "__main__":
    main()
