//! What gitoxide says of a transfer, as counters a front end can show: the
//! pack's bytes received and its objects indexed, of how many.
//!
//! gix reports progress through prodash's tree of named counters; the two
//! that tell how far a transfer is are the bundle writer's "read pack"
//! (`BWRB`, bytes) and the index writer's "indexing" (`IWIO`, objects, with
//! the pack's object count as its maximum). [`Tap`] hands gix shared
//! counters for those two and throwaway ones for the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::progress::{Count, Id, MessageLevel, NestedProgress, Progress, Step, StepShared, Unit};

/// gix-pack's id of the bytes of a pack being received.
const READ_PACK_BYTES: Id = *b"BWRB";
/// gix-pack's id of the objects of a pack being indexed.
const INDEX_OBJECTS: Id = *b"IWIO";

/// How far one epoch's transfer is; gix advances it as it receives.
#[derive(Clone, Debug, Default)]
pub struct Transfer {
    /// Bytes of pack received.
    pub bytes: StepShared,
    /// Objects received and indexed.
    pub objects: StepShared,
    /// Objects the pack holds; 0 until the server said.
    pub objects_total: Arc<AtomicUsize>,
}

impl Transfer {
    /// Bytes received so far.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Objects received so far, and of how many (`None` until known).
    pub fn objects(&self) -> (usize, Option<usize>) {
        let total = self.objects_total.load(Ordering::Relaxed);
        (
            self.objects.load(Ordering::Relaxed),
            (total > 0).then_some(total),
        )
    }
}

/// The progress given to gix: a node of its tree, whose counter is one of
/// [`Transfer`]'s when its id is one of the two that matter.
pub(crate) struct Tap {
    transfer: Transfer,
    id: Id,
    name: Option<String>,
    counter: StepShared,
    max: Option<Step>,
    unit: Option<Unit>,
}

impl Tap {
    pub(crate) fn new(transfer: &Transfer) -> Tap {
        Tap::child(transfer, gix::progress::UNKNOWN, None)
    }

    fn child(transfer: &Transfer, id: Id, name: Option<String>) -> Tap {
        let counter = match id {
            READ_PACK_BYTES => transfer.bytes.clone(),
            INDEX_OBJECTS => transfer.objects.clone(),
            _ => StepShared::default(),
        };
        Tap {
            transfer: transfer.clone(),
            id,
            name,
            counter,
            max: None,
            unit: None,
        }
    }
}

impl Count for Tap {
    fn set(&self, step: Step) {
        self.counter.store(step, Ordering::Relaxed);
    }

    fn step(&self) -> Step {
        self.counter.load(Ordering::Relaxed)
    }

    fn inc_by(&self, step: Step) {
        self.counter.fetch_add(step, Ordering::Relaxed);
    }

    fn counter(&self) -> StepShared {
        self.counter.clone()
    }
}

impl Progress for Tap {
    fn init(&mut self, max: Option<Step>, unit: Option<Unit>) {
        self.max = max;
        self.unit = unit;
        if self.id == INDEX_OBJECTS
            && let Some(max) = max
        {
            self.transfer.objects_total.store(max, Ordering::Relaxed);
        }
    }

    fn unit(&self) -> Option<Unit> {
        self.unit.clone()
    }

    fn max(&self) -> Option<Step> {
        self.max
    }

    fn set_max(&mut self, max: Option<Step>) -> Option<Step> {
        std::mem::replace(&mut self.max, max)
    }

    fn set_name(&mut self, name: String) {
        self.name = Some(name);
    }

    fn name(&self) -> Option<String> {
        self.name.clone()
    }

    fn id(&self) -> Id {
        self.id
    }

    fn message(&self, _level: MessageLevel, _message: String) {}
}

impl NestedProgress for Tap {
    type SubProgress = Tap;

    fn add_child(&mut self, name: impl Into<String>) -> Tap {
        Tap::child(&self.transfer, gix::progress::UNKNOWN, Some(name.into()))
    }

    fn add_child_with_id(&mut self, name: impl Into<String>, id: Id) -> Tap {
        Tap::child(&self.transfer, id, Some(name.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_counters_that_matter_are_shared() {
        let transfer = Transfer::default();
        let mut root = Tap::new(&transfer);
        let mut bytes = root.add_child_with_id("read pack", READ_PACK_BYTES);
        bytes.init(None, None);
        bytes.inc_by(1000);
        let mut objects = root.add_child_with_id("indexing", INDEX_OBJECTS);
        objects.init(Some(40), None);
        objects.counter().fetch_add(3, Ordering::Relaxed);
        let other = root.add_child("resolving");
        other.inc_by(7);
        assert_eq!(transfer.bytes(), 1000);
        assert_eq!(transfer.objects(), (3, Some(40)));
    }
}
