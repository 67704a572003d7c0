//! DataArts state: projects, their workspaces and the workspaces' member users.

use std::collections::{BTreeMap, BTreeSet};

use crate::mock::vendor::seed::DataArtsSeed;

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

    /// The members of a workspace, if it exists.
    pub fn members(&self, project_id: &str, workspace_id: &str) -> Option<BTreeSet<String>> {
        self.projects.get(project_id)?.get(workspace_id).cloned()
    }

    /// Removes users from a workspace, all or nothing: a list naming a user who is not a
    /// member is refused and changes nothing (the page leaves this open; the mock chooses).
    /// `partial` (a fault) removes the members before refusing.
    ///
    /// # Errors
    /// [`BadRequest`] for an unknown project or workspace, or a user who is not a member.
    pub fn delete_users(
        &mut self,
        project_id: &str,
        workspace_id: &str,
        user_ids: &[String],
        partial: bool,
    ) -> Result<(), BadRequest> {
        let members = self
            .projects
            .get_mut(project_id)
            .ok_or_else(|| BadRequest(format!("project {} does not exist", short(project_id))))?
            .get_mut(workspace_id)
            .ok_or_else(|| {
                BadRequest(format!("workspace {} does not exist", short(workspace_id)))
            })?;
        if let Some(stranger) = user_ids.iter().find(|id| !members.contains(*id)) {
            if partial {
                for id in user_ids {
                    members.remove(id);
                }
            }
            return Err(BadRequest(format!(
                "user {} is not a member of the workspace",
                short(stranger)
            )));
        }
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
