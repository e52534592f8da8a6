//! `show`: human-readable dumps of a program's (specialized) bytecode and of
//! every executor: the projected trace, the optimized trace, the guards the
//! optimizer removed with their justification, and the exits with their
//! targets and counters.

use std::fmt::Write;

use crate::lang::bytecode::{Op, Program, arg_binop, arg_cmp};
use crate::runtime::Value;

use super::Executor;
use super::uops::{ExitKind, Uop, UopInst, Variant};

/// The bytecode of every code object, with specializations as they stand.
pub fn bytecode(program: &Program) -> String {
    let mut s = String::new();
    for (cid, code) in program.codes.iter().enumerate() {
        let _ = writeln!(
            s,
            "== code {cid}: {} ({} params, locals [{}], stack {})",
            code.name,
            code.nparams,
            code.local_names.join(", "),
            code.stack_size
        );
        for (i, ins) in code.instrs.iter().enumerate() {
            let detail = match ins.op.generic() {
                Op::LoadGlobal | Op::StoreGlobal | Op::DeleteGlobal => {
                    format!("({})", program.names[ins.arg as usize])
                }
                Op::LoadFast
                | Op::LoadFastCheck
                | Op::StoreFast
                | Op::DeleteFast
                | Op::MakeCell
                | Op::LoadClosure
                | Op::LoadDeref
                | Op::StoreDeref => {
                    format!("({})", code.local_names[ins.arg as usize])
                }
                Op::BinaryOp => format!(
                    "({}{})",
                    arg_binop(ins.arg).symbol(),
                    if ins.arg & crate::lang::bytecode::INPLACE != 0 {
                        "="
                    } else {
                        ""
                    }
                ),
                Op::CompareOp => format!("({})", arg_cmp(ins.arg).symbol()),
                Op::LoadConst => match &code.consts[ins.arg as usize] {
                    crate::lang::bytecode::Const::Int(d) => format!("({d})"),
                    crate::lang::bytecode::Const::Float(bits) => {
                        format!("({})", crate::runtime::float::repr(f64::from_bits(*bits)))
                    }
                    crate::lang::bytecode::Const::Str(s) => {
                        format!("({})", crate::runtime::strs::repr(s))
                    }
                    crate::lang::bytecode::Const::Value(v) => {
                        format!("({})", crate::runtime::repr(*v, &|_| String::new()))
                    }
                },
                Op::MakeFunction => format!("(code {})", ins.arg),
                _ if ins.op.is_jump() => format!("(to {})", ins.arg),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {i:>4}  {:<28} {:>4} {detail:<24} depth {}",
                ins.op.name(),
                ins.arg,
                code.depth_at[i]
            );
        }
        if !code.exc_table.is_empty() {
            let _ = writeln!(s, "  exception table:");
            for e in &code.exc_table {
                let _ = writeln!(
                    s,
                    "    {} to {} -> {} [{}]",
                    e.start,
                    e.end - 1,
                    e.target,
                    e.depth
                );
            }
        }
    }
    s
}

fn uop_line(i: usize, u: &UopInst, marks: &str) -> String {
    let mut extra = String::new();
    match u.uop {
        Uop::LoadConst | Uop::LoadConstInline | Uop::PopTwoLoadConstInline => {
            let v = Value(u.operand);
            if v.is_small_int() {
                extra = format!("value {}", v.small_value());
            } else if v.is_bool() {
                extra = format!("value {}", v == Value::TRUE);
            } else if crate::runtime::float::is_float(v) {
                let x = crate::runtime::float::value(v);
                extra = format!("value {}", crate::runtime::float::repr(x));
            } else {
                // Not the address: it changes from run to run.
                extra = format!("value <{}>", crate::runtime::type_name(v));
            }
        }
        Uop::GuardGlobalsVersion => extra = format!("keys version {}", u.operand),
        Uop::CheckRemovedGuard => extra = format!("removed guard {}", u.operand),
        _ => {}
    }
    format!(
        "    {i:>3} {marks:<2}{:<30} oparg {:<4} target {:<4} {extra}",
        u.uop.name(),
        u.oparg,
        u.target
    )
}

/// One executor: projected and optimized traces, removed guards, exits.
pub fn executor(eid: usize, ex: &Executor, program: &Program) -> String {
    let mut s = String::new();
    let kind = match ex.parent {
        None => "loop trace".to_string(),
        Some((p, e)) => format!("side trace of executor {p} exit {e}"),
    };
    let _ = writeln!(
        s,
        "== executor {eid}: {} @ bytecode {} ({kind}, chain depth {}, entered {} times, {}{})",
        program.codes[ex.cid].name,
        ex.start,
        ex.chain_depth,
        ex.entries,
        if ex.valid { "valid" } else { "INVALIDATED" },
        if ex.depends_on_globals {
            ", depends on globals"
        } else {
            ""
        }
    );
    if !ex.depends_on_types.is_empty() {
        let _ = writeln!(s, "  watches class versions {:?}", ex.depends_on_types);
    }
    let _ = writeln!(s, "  projected ({} uops):", ex.raw.len());
    for (i, u) in ex.raw.iter().enumerate() {
        let _ = writeln!(s, "{}", uop_line(i, u, ""));
    }
    let compiled = ex.code.as_ref().map(|c| compiled_steps(c, ex.uops.len()));
    let _ = writeln!(
        s,
        "  optimized ({} uops; * = can exit{}):",
        ex.uops.len(),
        if compiled.is_some() {
            "; rIO = register variant, I values cached in registers before, O after; \
             indented lines are stencils inserted before the uop"
        } else {
            ""
        }
    );
    for (i, u) in ex.uops.iter().enumerate() {
        let mark = if u.uop.info().exit != ExitKind::None {
            "*"
        } else {
            ""
        };
        let mut line = uop_line(i, u, mark);
        if let Some((variants, inserted)) = &compiled {
            for name in &inserted[i] {
                let _ = writeln!(s, "          {name}");
            }
            let v = variants[i]
                .map(|v| v.suffix())
                .unwrap_or_else(|| "?".into());
            line = format!("{:<72} {v}", line.trim_end());
        }
        let _ = writeln!(s, "{line}");
    }
    if !ex.removed.is_empty() {
        let _ = writeln!(s, "  removed guards:");
        for (i, r) in ex.removed.iter().enumerate() {
            let _ = writeln!(
                s,
                "    [{i}] {} (bytecode {}): {}",
                r.original.uop.name(),
                r.original.target,
                r.reason
            );
        }
    }
    let _ = writeln!(s, "  exits:");
    for (i, e) in ex.exits.iter().enumerate() {
        let uop = ex.uops[e.uop_index as usize].uop;
        let link = e
            .link
            .map(|l| format!(", side trace -> executor {l}"))
            .unwrap_or_default();
        let kind = if e.kind == ExitKind::Deopt {
            "deopt"
        } else {
            "exit"
        };
        // How many cached values its exit stub writes back to the frame.
        let depth = compiled
            .as_ref()
            .and_then(|(v, _)| v[e.uop_index as usize])
            .map(|v| format!(", {} cached at exit", uop.exit_depth(v)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "    exit {i:<3} {:<30} uop {:<4} -> bytecode {:<4} {kind:<5} taken {}{depth}{link}",
            uop.name(),
            e.uop_index,
            e.resume,
            e.taken
        );
    }
    if let Some(code) = &ex.code {
        s.push_str(&machine_code(code));
    }
    s
}

/// Each uop's register variant in compiled code, and the stencils placed
/// before it that belong to no uop (spills and reloads, `+checkregs` and
/// `+count-stencils` probes).
fn compiled_steps(
    code: &crate::jit::CompiledCode,
    uops: usize,
) -> (Vec<Option<Variant>>, Vec<Vec<&'static str>>) {
    let mut variants = vec![None; uops];
    let mut inserted = vec![vec![]; uops];
    let mut pending = vec![];
    for p in &code.placed {
        match p.uop {
            Some(i) if i < uops => {
                variants[i] = Some(p.variant);
                inserted[i] = std::mem::take(&mut pending);
            }
            Some(_) => {}
            // The shim comes before the first uop, the stubs after the last.
            None if p.name != "_SHIM" => pending.push(p.name),
            None => {}
        }
    }
    (variants, inserted)
}

/// The stencil layout of a compiled trace, each stencil's patched holes and
/// its disassembly.
fn machine_code(code: &crate::jit::CompiledCode) -> String {
    let mut s = String::new();
    let arch = code.arch;
    let _ = writeln!(
        s,
        "  machine code ({arch:?}): {} bytes at {:#x}, entry {:#x}",
        code.len, code.base, code.entry
    );
    let Some(listing) = code.listing.as_deref() else {
        s.push_str("    (no listing: the JIT kept none for this trace)\n");
        return s;
    };
    for p in &code.placed {
        let uop = p.uop.map(|i| format!(" (uop #{i})")).unwrap_or_default();
        let _ = writeln!(s, "    -- {}{uop} @ {:#x}, {} bytes", p.name, p.addr, p.len);
        for (offset, kind, what, value) in &listing.holes[p.holes.clone()] {
            let _ = writeln!(
                s,
                "       hole +{offset:#x} {} {what:?} = {value:#x}",
                kind.name()
            );
        }
        let start = (p.addr - code.base) as usize;
        for line in
            crate::jit::disasm::disassemble(arch, &listing.bytes[start..start + p.len], p.addr)
        {
            let _ = writeln!(s, "       {line}");
        }
    }
    s
}

/// Everything: bytecode, then each executor.
pub fn all(program: &Program, executors: &[Executor]) -> String {
    let mut s = bytecode(program);
    if executors.is_empty() {
        s.push_str("(no traces formed)\n");
    }
    for (i, ex) in executors.iter().enumerate() {
        s.push_str(&executor(i, ex, program));
    }
    s
}
