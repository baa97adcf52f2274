//! Azure Key Vault certificates: not yet built; this crate is a placeholder in the workspace.
