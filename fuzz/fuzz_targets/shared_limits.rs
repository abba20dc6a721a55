//! Programs that build values sharing structure (`let t2 = [t1, t1]`: 2^n elements in n
//! instructions) and then walk them (`==`, `in`, `sort`, `unique`, `to_string`,
//! f-strings, sets, objects, functions), evaluated under small limits: every evaluation
//! ends quickly (libFuzzer's `-timeout` and `-rss_limit_mb` catch a hang or a blow-up),
//! never panics, and one that hit a limit is never allowed. The program compiled at
//! `-O0` decides the same when neither hit a limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BUILD: &[&str] = &[
    "[{a}, {b}]",
    "{{\"k\": {a}, \"l\": {b}}}",
    "{{{a}, [{b}]}}",
    "[{a}] + [{b}]",
    "f\"{{{a}}}{{{b}}}\"",
    "[x for x in [{a}, {b}]]",
    "pair({a}, {b})",
];

const WALK: &[&str] = &[
    "{a} == {b}",
    "{a} != [{b}]",
    "{a} in [{b}, {a}]",
    "{a} in {{{b}}}",
    "len(sort([{a}, {b}])) > 0",
    "len(unique([{a}, {b}, {a}])) > 0",
    "max([{a}, {b}]) != null",
    "len(to_string({a})) > 0",
    "len(f\"{{{a}}}\") > 0",
    "contains([{a}], {b})",
    "len({{{a}, {b}}}) > 0",
    "same({a}, {b})",
    "len(keys({{\"k\": {a}}})) > 0",
];

fn program(data: &[u8]) -> String {
    let mut bytes = data.iter().copied();
    let mut next = |n: usize| usize::from(bytes.next().unwrap_or(0)) % n;
    let lets = 2 + next(40);
    let mut src = String::from(
        "package fuzz\n\nfn pair(a: any, b: any) -> any = [a, b]\nfn same(a: any, b: any) -> bool = a == b\n\nlet t0 = [input.n]\nlet t1 = \"x\"\n",
    );
    for i in 2..lets {
        let (a, b) = (next(i), next(i));
        let shape = BUILD[next(BUILD.len())];
        let value = shape.replace("{a}", &format!("t{a}")).replace("{b}", &format!("t{b}"));
        src.push_str(&format!("let t{i} = {value}\n"));
    }
    for r in 0..1 + next(3) {
        let (a, b) = (next(lets), next(lets));
        let walk = WALK[next(WALK.len())];
        let cond = walk.replace("{a}", &format!("t{a}")).replace("{b}", &format!("t{b}"));
        src.push_str(&format!("deny r{r} {{ if {cond} message \"r{r}\" }}\n"));
    }
    src
}

fuzz_target!(|data: &[u8]| {
    let src = program(data);
    let mut sources = pol::SourceMap::new();
    let file = sources.add("fuzz.pol", src.clone());
    let Ok(compiled) = pol::compile(&mut sources, &[file]) else { return };
    let mut sources0 = pol::SourceMap::new();
    let file0 = sources0.add("fuzz.pol", src.clone());
    let Ok(unoptimized) = pol::compile_with(&mut sources0, &[file0], false) else {
        panic!("compiles optimized but not at -O0:\n{src}")
    };
    let Ok(docs) = pol::load("{\"n\": 1}", pol::Format::Json, None) else { return };
    let limits = pol::Limits {
        steps: 300_000,
        steps_per_node: 0,
        memory: 4 << 20,
        time: Some(std::time::Duration::from_secs(2)),
        ..pol::Limits::default()
    };
    let mut decisions = Vec::new();
    for policy in [&compiled.policy, &unoptimized.policy] {
        let mut evaluator = policy.evaluator();
        evaluator.set_limits(limits);
        let decision = evaluator.evaluate(&docs[0]);
        let limited = decision
            .errors
            .iter()
            .any(|e| e.message.contains("(resource limit"));
        assert!(!(limited && decision.allowed), "allowed after a limit:\n{src}");
        decisions.push(decision);
    }
    // Optimized code takes fewer steps: the two are compared only when neither hit a
    // limit.
    if !decisions
        .iter()
        .any(|d| d.errors.iter().any(|e| e.message.contains("(resource limit")))
    {
        assert_eq!(decisions[0], decisions[1], "-O0 decides otherwise:\n{src}");
    }
});
