//! Azure Key Vault keys: not yet built; this crate is a placeholder in the workspace.
