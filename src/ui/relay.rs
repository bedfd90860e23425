//! [`Relay`]: hands a long-lived value to views that come and go by the
//! thousand (message dots, log cells, event-log lines) without those views
//! subscribing to the long-lived signal themselves.
//!
//! Why: in reactive_graph 0.2 a render effect that is dropped never leaves
//! the subscriber set of a signal it read (the set holds a weak reference
//! that nothing prunes), and every live reader that re-runs unsubscribes with
//! a linear search of that set. A message dot reading `Lab::now` directly
//! left one dead entry in `now` for every message ever drawn: after twenty
//! minutes of history, one step back spent 78 % of its time in
//! `SubscriberSet::unsubscribe`, and the dead effects' memory was never
//! returned.
//!
//! A relay reads its source in one long-lived effect and writes the value
//! into a local copy per view. A copy is made by the view, belongs to it, and
//! is forgotten when the view goes (`on_cleanup`), so whatever subscribed to
//! the copy goes with it and no set grows with the history.

use leptos::prelude::*;

/// A value read once and copied to short-lived views. `Copy`, so it can be
/// moved into `<For>` children like a signal.
pub struct Relay<T: Send + Sync + 'static> {
    value: Memo<T>,
    copies: StoredValue<Copies<T>>,
}

/// The live copies, each with the number its view forgets it by.
struct Copies<T> {
    next: u64,
    live: Vec<(u64, ArcRwSignal<T>)>,
}

impl<T: Send + Sync + 'static> Clone for Relay<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Relay<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Relay<T> {
    /// A relay of `source`, owned by the calling component: call it where
    /// the long-lived parent is built, not inside the short-lived views.
    pub fn new(source: impl Fn() -> T + Send + Sync + 'static) -> Self {
        let value = Memo::new(move |_| source());
        let copies = StoredValue::new(Copies {
            next: 0,
            live: Vec::new(),
        });
        Effect::new(move |_| {
            let v = value.get();
            copies.with_value(|c| {
                for (_, copy) in &c.live {
                    if copy.with_untracked(|old| *old != v) {
                        copy.set(v.clone());
                    }
                }
            });
        });
        Relay { value, copies }
    }

    /// A copy for the view being built, kept up to date until that view is
    /// dropped. Read it like any signal.
    pub fn local(&self) -> Signal<T> {
        let copy = ArcRwSignal::new(self.value.get_untracked());
        let copies = self.copies;
        let id = copies
            .try_update_value(|c| {
                c.next += 1;
                c.live.push((c.next, copy.clone()));
                c.next
            })
            .unwrap_or_default();
        on_cleanup(move || {
            copies.try_update_value(|c| c.live.retain(|(n, _)| *n != id));
        });
        copy.read_only().into()
    }
}
