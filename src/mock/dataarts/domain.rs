//! DataArts state: projects, their workspaces and the workspaces' member users.

use std::collections::{BTreeMap, BTreeSet};

use crate::mock::seed::DataArtsSeed;

/// A rejected request: DAYU.4402 with its detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub String);

/// DataArts state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataArts {
    /// project id → workspace id → member user ids.
    pub projects: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

impl DataArts {
    /// State from the seed.
    pub fn from_seed(seed: &DataArtsSeed) -> Self {
        let projects = seed
            .projects
            .iter()
            .map(|p| {
                let ws = p
                    .workspaces
                    .iter()
                    .map(|w| (w.id.clone(), w.members.iter().cloned().collect()))
                    .collect();
                (p.id.clone(), ws)
            })
            .collect();
        Self { projects }
    }

    /// Removes users from a workspace. Ids that are not members are ignored.
    ///
    /// # Errors
    /// [`BadRequest`] for an unknown project or workspace.
    pub fn delete_users(
        &mut self,
        project_id: &str,
        workspace_id: &str,
        user_ids: &[String],
    ) -> Result<(), BadRequest> {
        let members = self
            .projects
            .get_mut(project_id)
            .ok_or_else(|| BadRequest(format!("project {} does not exist", short(project_id))))?
            .get_mut(workspace_id)
            .ok_or_else(|| {
                BadRequest(format!("workspace {} does not exist", short(workspace_id)))
            })?;
        for id in user_ids {
            members.remove(id);
        }
        Ok(())
    }
}

/// An id cut for messages, so that a huge id does not make a huge response.
fn short(id: &str) -> String {
    let mut s: String = id.chars().take(64).collect();
    if s.len() < id.len() {
        s.push('…');
    }
    s
}
