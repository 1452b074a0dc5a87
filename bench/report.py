"""The benchmark's figures as ratios (pairwise, within one run) and as the table README quotes."""

from __future__ import annotations


def ratios(r: dict) -> dict:
    reads, scaling = r["member_read"], r["scaling"]
    serve, gunicorn = reads["mocknexus_waitress"], reads["mocknexus_gunicorn_gthread"]
    found = {
        "serve_vs_bare": serve["rps"] / reads["bare_waitress"]["rps"],
        "gunicorn_vs_bare": gunicorn["rps"] / reads["bare_gunicorn_gthread"]["rps"],
        "serve_vs_gunicorn": serve["rps"] / gunicorn["rps"],
        # The same comparisons in requests per CPU-second of the server: steadier on a shared machine.
        "serve_vs_bare_cpu": serve["req_per_cpu_s"] / reads["bare_waitress"]["req_per_cpu_s"],
        "gunicorn_vs_bare_cpu": gunicorn["req_per_cpu_s"] / reads["bare_gunicorn_gthread"]["req_per_cpu_s"],
        "serve_vs_gunicorn_cpu": serve["req_per_cpu_s"] / gunicorn["req_per_cpu_s"],
        "member_read_small_vs_large": scaling["small"]["member_read"]["rps"] / scaling["large"]["member_read"]["rps"],
        "search_small_vs_large": scaling["small"]["institution_search"]["rps"]
        / scaling["large"]["institution_search"]["rps"],
    }
    if "mocknexus_waitress_platform" in reads:  # the Platform API's member read, same server
        platform = reads["mocknexus_waitress_platform"]
        found["platform_read_vs_bare"] = platform["rps"] / reads["bare_waitress"]["rps"]
        found["platform_read_vs_bare_cpu"] = platform["req_per_cpu_s"] / reads["bare_waitress"]["req_per_cpu_s"]
        found["platform_read_vs_nexus_read"] = platform["rps"] / serve["rps"]
    if "moto_server" in reads:
        found["serve_vs_moto"] = reads["mocknexus_waitress"]["rps"] / reads["moto_server"]["rps"]
    return found


def table(r: dict) -> str:
    c = r["config"]
    lines = [
        f"mocknexus benchmark: {c['loadgen']}, {c['connections']} connections, "
        f"{c['seconds']} s x {c['runs']} runs (median), {c['cpus']} CPUs",
        "",
        f"{'authenticated member read':<34}{'req/s':>8}{'req/CPU-s':>11}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
        f"{'sock err':>9}",
    ]
    for name, m in r["member_read"].items():
        lines.append(
            f"  {name:<32}{m['rps']:>8.0f}{m['req_per_cpu_s']:>11.0f}{m['p50_ms']:>9.2f}{m['p99_ms']:>9.2f}"
            f"{m['non_2xx']:>9.0f}{m['socket_errors']:>9.0f}"
        )
    slow = r["slow_clients"]
    first = next(iter(slow.values()))
    lines += ["", f"normal requests while {first['slow_clients']} slow clients trickle headers"]
    lines.append(f"  {'server':<32}{'answered':>10}{'<=100 ms':>10}{'p50 ms':>10}{'max ms':>10}")
    for name, s in slow.items():
        p50 = f"{s['p50_ms']:.1f}" if s["p50_ms"] is not None else "-"
        worst = f"{s['max_ms']:.1f}" if s["max_ms"] is not None else "-"
        lines.append(f"  {name:<32}{s['answered']:>5}/{s['probes']:<4}{s['within_100ms']:>10}{p50:>10}{worst:>10}")
    f, cf = r["flow"], r["concurrent_flows"]
    lines += [
        "",
        f"verification flow, one client ({f['flows']} flows): {f['flows_per_s']:.1f} flows/s, "
        f"p50 {f['p50_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms",
        f"concurrent flows: {cf['concurrency']} clients x {cf['runs']} runs: {cf['ok']} ok, {cf['failed']} failed"
        f" in {cf['seconds']:.1f} s",
    ]
    s = r["scaling"]
    lines += ["", f"state size (small vs {s['members']} members / {s['institutions']} institutions)"]
    for what in ("member_read", "institution_search"):
        lines.append(
            f"  {what:<24} small {s['small'][what]['rps']:>8.0f} req/s   large {s['large'][what]['rps']:>8.0f} req/s"
        )
    lines += ["", "start-up to first 200, RSS idle / under load"]
    for name, st in r["startup"].items():
        lines.append(f"  {name:<24}{st['s']:>6.2f} s{st['idle_rss_mb']:>8.0f} MB{st['load_rss_mb']:>8.0f} MB")
    lines += ["", "ratios (same run)"] + [f"  {k:<28}{v:>8.2f}" for k, v in r["ratios"].items()]
    return "\n".join(lines)
