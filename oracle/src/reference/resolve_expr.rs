//! The resolver's expressions: names to slots, number literals parsed,
//! displays, comprehensions and the sequence operations, and CPython's
//! constant folding of equal constant displays.

use super::*;

/// An element of a constant display as CPython's constant cache keys it:
/// its type and value.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub(super) enum ConstItem {
    Int(BigInt),
    Float(u64),
    Str(String),
    Bool(bool),
    None,
    Tuple(Vec<ConstItem>),
}

impl ConstItem {
    /// Python's `==` between two constants: numbers by value whatever
    /// their type, tuples item by item.
    fn equals(&self, other: &ConstItem) -> bool {
        match (self.number(), other.number()) {
            (Some(a), Some(b)) => return a == b,
            (Some(_), None) | (None, Some(_)) => return false,
            (None, None) => {}
        }
        match (self, other) {
            (ConstItem::Tuple(a), ConstItem::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y))
            }
            _ => self == other,
        }
    }

    /// A number as an exact value: an integer, or a float that is not one
    /// (by its bits, `-0.0` being the integer 0).
    fn number(&self) -> Option<Result<BigInt, u64>> {
        Some(match self {
            ConstItem::Int(i) => Ok(i.clone()),
            ConstItem::Bool(b) => Ok(BigInt::from(*b as u8)),
            ConstItem::Float(bits) => {
                let x = f64::from_bits(*bits);
                if x.is_finite() && x.fract() == 0.0 {
                    Ok(format!("{x:.0}").parse().ok()?)
                } else {
                    Err(*bits)
                }
            }
            _ => return None,
        })
    }
}

fn const_item(e: &Expr) -> Option<ConstItem> {
    Some(match e {
        Expr::Int(d) => ConstItem::Int(d.parse().ok()?),
        Expr::Float(bits) => ConstItem::Float(*bits),
        Expr::Str(s) => ConstItem::Str(s.clone()),
        Expr::Bool(b) => ConstItem::Bool(*b),
        Expr::None => ConstItem::None,
        Expr::UnaryOp { op, operand } => match (op, const_item(operand)?) {
            (UnaryOp::Neg, ConstItem::Int(i)) => ConstItem::Int(-i),
            (UnaryOp::Neg, ConstItem::Float(b)) => ConstItem::Float((-f64::from_bits(b)).to_bits()),
            (UnaryOp::Pos, x @ (ConstItem::Int(_) | ConstItem::Float(_))) => x,
            _ => return None,
        },
        Expr::Tuple(items) => {
            ConstItem::Tuple(items.iter().map(const_item).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

impl Resolver<'_> {
    pub(super) fn expr(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        if self.guard.exceeded() {
            return Err(TooDeep);
        }
        Ok(match e {
            Expr::Int(digits) => int_literal(digits, self.int_bits),
            // Any bits at all are some float (a hand-built AST may even
            // hold a NaN or a negative one): no literal is bad.
            Expr::Float(bits) => Ex::Const(Value::Float(f64::from_bits(*bits))),
            Expr::Bool(b) => Ex::Const(Value::Bool(*b)),
            Expr::None => Ex::Const(Value::None),
            Expr::Name(n) => Ex::Load(self.slot(n, scope)),
            Expr::UnaryOp { op, operand } => Ex::Unary(*op, Box::new(self.expr(operand, scope)?)),
            Expr::BinOp { op, left, right } => Ex::Bin(
                *op,
                Box::new(self.expr(left, scope)?),
                Box::new(self.expr(right, scope)?),
            ),
            Expr::BoolOp { op, values } => Ex::BoolOp(*op, self.exprs(values, scope)?),
            Expr::IfExp { test, body, orelse } => Ex::IfExp(
                Box::new(self.expr(test, scope)?),
                Box::new(self.expr(body, scope)?),
                Box::new(self.expr(orelse, scope)?),
            ),
            Expr::Compare {
                left,
                ops,
                comparators,
            } => {
                let left = Box::new(self.expr(left, scope)?);
                // A hand-built AST may have mismatched lengths: use the pairs.
                let rest = ops
                    .iter()
                    .zip(comparators)
                    .map(|(op, c)| Ok((*op, self.expr(c, scope)?)))
                    .collect::<R<_>>()?;
                Ex::Compare(left, rest)
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if keywords.is_empty() && !args.iter().any(|a| matches!(a, Expr::Starred(_))) => {
                Ex::Call(Box::new(self.expr(func, scope)?), self.exprs(args, scope)?)
            }
            Expr::Str(s) => Ex::Const(Value::Str(Rc::from(s.as_str()))),
            Expr::Call { .. }
            | Expr::Tuple(_)
            | Expr::List(_)
            | Expr::Subscript { .. }
            | Expr::MethodCall { .. }
            | Expr::Attribute { .. }
            | Expr::Slice { .. }
            | Expr::Dict(_) => self.seq_expr(e, scope)?,
            Expr::ListComp { elt, generators } => {
                self.list_comp(None, elt, generators, Kind::List, scope)?
            }
            Expr::SetComp { elt, generators } => {
                self.list_comp(None, elt, generators, Kind::Set, scope)?
            }
            Expr::DictComp {
                key,
                value,
                generators,
            } => self.list_comp(Some(key), value, generators, Kind::Dict, scope)?,
            Expr::Set(items) => self.set_display(items, scope)?,
            Expr::Super => Ex::Unmodelled,
            Expr::GeneratorExp { elt, generators } => self.genexp(elt, generators, scope)?,
            // A `*x` outside a call's arguments: only a hand-built AST.
            Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Starred(_) => Ex::Unmodelled,
            Expr::Named { target, value } => {
                let value = self.expr(value, scope)?;
                Ex::Named(self.slot(target, scope), Box::new(value))
            }
            Expr::Lambda {
                params,
                defaults,
                body,
            } => {
                let defaults = self.exprs(defaults, scope)?;
                let body = super::super::cells::lambda_body(body);
                let star = StarParams::default();
                Ex::Lambda(
                    self.function("<lambda>", params, &star, &body, scope, false)?,
                    defaults,
                )
            }
        })
    }

    /// A display's items, `*it` as [`Ex::Spread`].
    pub(super) fn display_items(&mut self, items: &[Expr], scope: &Scope) -> R<Vec<Ex>> {
        items
            .iter()
            .map(|x| match x {
                Expr::Starred(it) => Ok(Ex::Spread(Box::new(self.expr(it, scope)?))),
                _ => self.expr(x, scope),
            })
            .collect()
    }

    /// A set display; a constant one (see [`Ex::Set`]) equal to an earlier
    /// one as a set of typed values evaluates that one's items instead.
    pub(super) fn set_display(&mut self, items: &[Expr], scope: &Scope) -> R<Ex> {
        match self.constant_set_items(items, 3) {
            Some(first) => Ok(Ex::Set(self.exprs(&first, scope)?, true)),
            None => Ok(Ex::Set(self.display_items(items, scope)?, false)),
        }
    }

    /// A `for` loop's or a comprehension clause's iterable (see
    /// [`Ex::FrozenSet`]).
    pub(super) fn iterable(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        if let Expr::Set(items) = e
            && let Some(first) = self.constant_set_items(items, 1)
        {
            return Ok(Ex::FrozenSet(self.exprs(&first, scope)?));
        }
        self.expr(e, scope)
    }

    /// The items a display of at least `min_len` constants is built from
    /// (3 for a display, 1 for an iterable): its own, or those of an
    /// earlier display equal to it as a set of typed values (CPython shares
    /// one frozenset); None for any other display.
    pub(super) fn constant_set_items(
        &mut self,
        items: &[Expr],
        min_len: usize,
    ) -> Option<Vec<Expr>> {
        if !(items.len() >= min_len && items.iter().all(folded_constant)) {
            return None;
        }
        // The frozenset's members key it: an item `==` an earlier one
        // (`True` after `1`, `0.0` after `-0.0`) is dropped as the set
        // drops it.
        let mut key: Vec<ConstItem> = Vec::new();
        for item in items.iter().filter_map(const_item) {
            if !key.iter().any(|m| m.equals(&item)) {
                key.push(item);
            }
        }
        key.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Some(match self.set_consts.iter().find(|(k, _)| *k == key) {
            Some((_, first)) => first.clone(),
            None => {
                self.set_consts.push((key, items.to_vec()));
                items.to_vec()
            }
        })
    }

    /// The first iterable is resolved in the enclosing scope; everything
    /// else sees every target of the comprehension (one name, one variable)
    /// before the enclosing scope's names.
    #[inline(never)]
    pub(super) fn list_comp(
        &mut self,
        key: Option<&Expr>,
        elt: &Expr,
        generators: &[Comprehension],
        which: Kind,
        scope: &Scope,
    ) -> R<Ex> {
        let Some(first) = generators.first() else {
            // Only a hand-built AST has no clause: nothing to iterate.
            return Ok(Ex::List(vec![]));
        };
        let first_iter = self.iterable(&first.iter, scope)?;
        self.comp_kinds.push(match which {
            Kind::List => "<listcomp>",
            Kind::Set => "<setcomp>",
            Kind::Dict => "<dictcomp>",
        });
        let outer_len = self.comp_scope.len();
        let mut own = vec![];
        for g in generators {
            g.target.for_each_name(&mut |n| {
                if !self.comp_scope[outer_len..].iter().any(|(m, _)| m == n) {
                    let slot = self.local_base + self.comp_locals.len();
                    self.comp_locals.push(n.to_string());
                    self.comp_scope.push((n.to_string(), slot));
                    own.push(slot);
                }
            });
        }
        let mut clauses = Vec::with_capacity(generators.len());
        let mut first_iter = Some(first_iter);
        for g in generators {
            let iter = match first_iter.take() {
                Some(it) => it,
                None => self.iterable(&g.iter, scope)?,
            };
            let dest = self
                .dests(std::slice::from_ref(&g.target), scope)?
                .pop()
                .expect("one target, one destination");
            clauses.push(Clause {
                dest,
                iter,
                ifs: self.exprs(&g.ifs, scope)?,
            });
        }
        let kind = match (which, key) {
            (Kind::Set, _) => CompKind::Set,
            (Kind::Dict, Some(k)) => CompKind::Dict(self.expr(k, scope)?),
            _ => CompKind::List,
        };
        let elt = self.expr(elt, scope)?;
        self.comp_scope.truncate(outer_len);
        self.comp_kinds.pop();
        Ok(Ex::ListComp(Box::new(Comp {
            own,
            clauses,
            elt,
            kind,
        })))
    }

    /// The sequence expressions and keyword calls, out of line so that
    /// `expr`'s frame (one per level of nesting) stays small.
    #[inline(never)]
    pub(super) fn seq_expr(&mut self, e: &Expr, scope: &Scope) -> R<Ex> {
        Ok(match e {
            Expr::Tuple(items) => Ex::Tuple(self.display_items(items, scope)?),
            Expr::List(items) => Ex::List(self.display_items(items, scope)?),
            Expr::Dict(pairs) => Ex::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| match k {
                        // `**m`: the pair `(Spread(m), None)`.
                        Expr::Starred(m) => Ok((
                            Ex::Spread(Box::new(self.expr(m, scope)?)),
                            Ex::Const(Value::None),
                        )),
                        _ => Ok((self.expr(k, scope)?, self.expr(v, scope)?)),
                    })
                    .collect::<R<_>>()?,
            ),
            Expr::Subscript { value, index } => Ex::Subscript(
                Box::new(self.expr(value, scope)?),
                Box::new(self.index(index, scope)?),
            ),
            Expr::Attribute { value, attr } if **value == Expr::Super => {
                self.super_ex(attr, None, scope)?
            }
            Expr::MethodCall {
                receiver,
                method,
                args,
            } if **receiver == Expr::Super => self.super_ex(method, Some(args), scope)?,
            Expr::Attribute { value, attr } => {
                Ex::Attr(Box::new(self.expr(value, scope)?), Meth::parse(attr))
            }
            Expr::MethodCall {
                receiver,
                method,
                args,
            } => Ex::Method(
                Box::new(self.expr(receiver, scope)?),
                Meth::parse(method),
                self.exprs(args, scope)?,
            ),
            Expr::Slice { lower, upper, step } => {
                let parts = [lower, upper, step].into_iter().flatten();
                Ex::StraySlice(parts.map(|p| self.expr(p, scope)).collect::<R<_>>()?)
            }
            Expr::Call {
                func,
                args,
                keywords,
            } if args.iter().any(|a| matches!(a, Expr::Starred(_)))
                || keywords.iter().any(|k| k.arg.is_none()) =>
            {
                let func = self.expr(func, scope)?;
                let args = args
                    .iter()
                    .map(|a| {
                        Ok(match a {
                            Expr::Starred(inner) => (true, self.expr(inner, scope)?),
                            other => (false, self.expr(other, scope)?),
                        })
                    })
                    .collect::<R<_>>()?;
                let keywords = keywords
                    .iter()
                    .map(|k| {
                        let name = k.arg.as_deref().map(Rc::from);
                        Ok((name, self.expr(&k.value, scope)?))
                    })
                    .collect::<R<_>>()?;
                Ex::CallStar(Box::new(CallEx {
                    func,
                    args,
                    keywords,
                }))
            }
            Expr::Call {
                func,
                args,
                keywords,
            } => {
                let func = self.expr(func, scope)?;
                let args = self.exprs(args, scope)?;
                let keywords = keywords
                    .iter()
                    .map(|k| {
                        let name = Rc::from(k.arg.as_deref().unwrap_or_default());
                        Ok((name, self.expr(&k.value, scope)?))
                    })
                    .collect::<R<_>>()?;
                Ex::CallKw(Box::new(CallKw {
                    func,
                    args,
                    keywords,
                }))
            }
            // `expr` handles everything else.
            other => self.expr(other, scope)?,
        })
    }

    pub(super) fn index(&mut self, e: &Expr, scope: &Scope) -> R<Index> {
        let Expr::Slice { lower, upper, step } = e else {
            return Ok(Index::Item(self.expr(e, scope)?));
        };
        let mut part = |p: &Option<Box<Expr>>| p.as_ref().map(|x| self.expr(x, scope)).transpose();
        Ok(Index::Slice([part(lower)?, part(upper)?, part(step)?]))
    }

    pub(super) fn exprs(&mut self, es: &[Expr], scope: &Scope) -> R<Vec<Ex>> {
        es.iter().map(|e| self.expr(e, scope)).collect()
    }
}

/// Decimal digits -> constant. Anything that is not plain digits (possible
/// only in a hand-built AST) or wider than the limit becomes `BadInt`.
pub(super) fn int_literal(digits: &str, int_bits: u64) -> Ex {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ex::BadInt;
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() <= 18 {
        // At most 18 digits always fits in i64.
        return Ex::Const(Value::Int(Int::Small(digits.parse().unwrap_or(0))));
    }
    // log10(2) < 0.302: a literal with more digits than this is wider than
    // `int_bits`, so skip parsing it (parsing is quadratic).
    let max_digits = int_bits as usize * 302 / 1000 + 2;
    if digits.len() > max_digits {
        return Ex::BadInt;
    }
    match BigInt::parse_bytes(digits.as_bytes(), 10) {
        Some(b) if b.bits() <= int_bits => Ex::Const(Value::Int(Int::from_big(b))),
        _ => Ex::BadInt,
    }
}
