//! `KeyVaultAccessControlClient`: Managed HSM local role-based access control.

use crate::{
    models::{
        KeyVaultPermission, KeyVaultRoleAssignment, KeyVaultRoleDefinition, KeyVaultRoleType,
        RoleAssignmentCreateParameters, RoleAssignmentProperties, RoleDefinitionCreateParameters,
        RoleDefinitionProperties,
    },
    scope::KeyVaultRoleScope,
    validation::{new_guid, validate_guid},
};
use azure_core::http::Method;
use keyvault_core::{
    pipeline::to_json, ApiVersion, Error, KeyVaultPipeline, ListOptions, Pager, Result,
};
use url::Url;

/// Options of every administration client: API version, `azure_core` client options (retry,
/// transport, user agent) and `verify_challenge_resource`.
pub type AdministrationClientOptions = keyvault_core::ClientOptions;

keyvault_core::method_options! {
    /// Options of [`KeyVaultAccessControlClient::create_role_assignment`].
    pub struct CreateRoleAssignmentOptions {
        /// The assignment's name, a GUID; a new random one when `None`.
        pub name: Option<String>,
    }

    /// Options of [`KeyVaultAccessControlClient::get_role_assignment`].
    pub struct GetRoleAssignmentOptions {}

    /// Options of [`KeyVaultAccessControlClient::delete_role_assignment`].
    pub struct DeleteRoleAssignmentOptions {}

    /// Options of [`KeyVaultAccessControlClient::list_role_assignments`]. The service pages
    /// role assignments its own way: there is no page size to ask for.
    pub struct ListRoleAssignmentsOptions {
        /// The service's OData `$filter`: `atScope()` for the assignments at or above the
        /// scope, `principalId eq '{id}'` for one principal's, or both joined by `and`.
        pub filter: Option<String>,
        /// Resume the list from a token given by an earlier pager.
        pub continuation_token: Option<String>,
    }

    /// Options of [`KeyVaultAccessControlClient::set_role_definition`]: what the custom role
    /// is. Only what is set is sent, so an update may change one property.
    pub struct SetRoleDefinitionOptions {
        /// The definition's name, a GUID; a new random one (a new role) when `None`.
        pub name: Option<String>,
        /// The display name.
        pub role_name: Option<String>,
        /// The description.
        pub description: Option<String>,
        /// What the role permits.
        pub permissions: Option<Vec<KeyVaultPermission>>,
        /// Where the role can be assigned; the service's default (`/`) when `None`.
        pub assignable_scopes: Option<Vec<KeyVaultRoleScope>>,
    }

    /// Options of [`KeyVaultAccessControlClient::get_role_definition`].
    pub struct GetRoleDefinitionOptions {}

    /// Options of [`KeyVaultAccessControlClient::delete_role_definition`].
    pub struct DeleteRoleDefinitionOptions {}

    /// Options of [`KeyVaultAccessControlClient::list_role_definitions`]. The service pages
    /// role definitions its own way: there is no page size to ask for.
    pub struct ListRoleDefinitionsOptions {
        /// The service's OData `$filter`: `atScopeAndBelow()`, or `roleName eq '{name}'`.
        pub filter: Option<String>,
        /// Resume the list from a token given by an earlier pager.
        pub continuation_token: Option<String>,
    }
}

/// A client of a Managed HSM's role definitions and role assignments. Cheap to clone;
/// `Send + Sync`.
///
/// ```no_run
/// use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// use futures::TryStreamExt;
/// let client = KeyVaultAccessControlClient::new("https://my-hsm.managedhsm.azure.net", credential, None)?;
/// let mut definitions = client.list_role_definitions(&KeyVaultRoleScope::Global, None)?;
/// while let Some(definition) = definitions.try_next().await? {
///     println!("{} {}", definition.name, definition.role_name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultAccessControlClient {
    pipeline: KeyVaultPipeline,
}

const PROVIDERS: &str = "providers";
const AUTHORIZATION: &str = "Microsoft.Authorization";
const ASSIGNMENTS: &str = "roleAssignments";
const DEFINITIONS: &str = "roleDefinitions";

keyvault_core::vault_client!(
    KeyVaultAccessControlClient,
    AdministrationClientOptions,
    "https://{hsm}.managedhsm.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2025_07_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_administration::{KeyVaultAccessControlClient, AdministrationClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyVaultAccessControlClient::new("https://my-hsm.managedhsm.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = AdministrationClientOptions {
        ///     api_version: Some(keyvault_administration::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyVaultAccessControlClient::new("https://my-hsm.managedhsm.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultAccessControlClient) {
        /// assert_eq!(client.vault_url(), "https://my-hsm.managedhsm.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultAccessControlClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_administration::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_administration::KeyVaultAccessControlClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/providers/Microsoft.Authorization/roleDefinitions", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl KeyVaultAccessControlClient {
    fn require(&self, minimum: &ApiVersion, operation: &'static str) -> Result<()> {
        self.pipeline.require(minimum, operation)
    }

    /// The path segments `{scope}/providers/Microsoft.Authorization/{collection}[/{name}]`.
    fn segments(
        scope: &KeyVaultRoleScope,
        collection: &'static str,
        name: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut segments = scope.segments()?;
        segments.extend([PROVIDERS.into(), AUTHORIZATION.into(), collection.into()]);
        segments.extend(name.map(str::to_string));
        Ok(segments)
    }

    fn url(
        &self,
        scope: &KeyVaultRoleScope,
        collection: &'static str,
        name: Option<&str>,
    ) -> Result<url::Url> {
        let segments = Self::segments(scope, collection, name)?;
        let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
        Ok(self.pipeline.url(&refs))
    }

    /// Assigns the role `definition_id` (a [`KeyVaultRoleDefinition::id`]) to `principal_id` at
    /// `scope`.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// // The built-in "Managed HSM Crypto User", for every key, to a principal's object id.
    /// let role = client
    ///     .get_role_definition(&KeyVaultRoleScope::Global, "21dbd100-6940-42c2-9190-5d6cb909625b", None)
    ///     .await?;
    /// let assignment = client
    ///     .create_role_assignment(
    ///         &KeyVaultRoleScope::Keys,
    ///         &role.id,
    ///         "6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
    ///         None,
    ///     )
    ///     .await?;
    /// println!("assignment {}", assignment.name);
    /// # Ok(()) }
    /// ```
    pub async fn create_role_assignment(
        &self,
        scope: &KeyVaultRoleScope,
        definition_id: &str,
        principal_id: &str,
        options: Option<CreateRoleAssignmentOptions<'_>>,
    ) -> Result<KeyVaultRoleAssignment> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.create_role_assignment",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_2, "create_role_assignment")?;
        let name = match options.name {
            Some(name) => {
                validate_guid("name", &name)?;
                name
            }
            None => new_guid(),
        };
        if definition_id.trim().is_empty() {
            return Err(Error::invalid_argument(
                "definition_id",
                "must not be empty",
            ));
        }
        if principal_id.trim().is_empty() {
            return Err(Error::invalid_argument("principal_id", "must not be empty"));
        }
        let url = self.url(scope, ASSIGNMENTS, Some(&name))?;
        let body = to_json(&RoleAssignmentCreateParameters {
            properties: RoleAssignmentProperties {
                role_definition_id: definition_id,
                principal_id,
            },
        })?;
        pipeline.send_json(Method::Put, url, Some(body)).await
    }

    /// Gets a role assignment.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// let assignment = client
    ///     .get_role_assignment(&KeyVaultRoleScope::Keys, "dec3aaad-3096-448d-81cd-b46da42eaf20", None)
    ///     .await?;
    /// println!("{} at {}", assignment.properties.principal_id, assignment.properties.scope);
    /// # Ok(()) }
    /// ```
    pub async fn get_role_assignment(
        &self,
        scope: &KeyVaultRoleScope,
        name: &str,
        options: Option<GetRoleAssignmentOptions<'_>>,
    ) -> Result<KeyVaultRoleAssignment> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.get_role_assignment",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_2, "get_role_assignment")?;
        validate_guid("name", name)?;
        let url = self.url(scope, ASSIGNMENTS, Some(name))?;
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Deletes a role assignment. Deleting one that does not exist is not an error, as in
    /// Python's client.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// client
    ///     .delete_role_assignment(&KeyVaultRoleScope::Keys, "dec3aaad-3096-448d-81cd-b46da42eaf20", None)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_role_assignment(
        &self,
        scope: &KeyVaultRoleScope,
        name: &str,
        options: Option<DeleteRoleAssignmentOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.delete_role_assignment",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_2, "delete_role_assignment")?;
        validate_guid("name", name)?;
        let url = self.url(scope, ASSIGNMENTS, Some(name))?;
        match pipeline.send(Method::Delete, url, None).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Lists the role assignments that apply at `scope`.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope, ListRoleAssignmentsOptions};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut assignments = client.list_role_assignments(
    ///     &KeyVaultRoleScope::Global,
    ///     Some(ListRoleAssignmentsOptions {
    ///         filter: Some("atScope()".into()),
    ///         ..Default::default()
    ///     }),
    /// )?;
    /// while let Some(assignment) = assignments.try_next().await? {
    ///     println!("{} {}", assignment.name, assignment.properties.principal_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_role_assignments(
        &self,
        scope: &KeyVaultRoleScope,
        options: Option<ListRoleAssignmentsOptions<'_>>,
    ) -> Result<Pager<KeyVaultRoleAssignment>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.list_role_assignments",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_2, "list_role_assignments")?;
        let segments = Self::segments(scope, ASSIGNMENTS, None)?;
        let first = first_page(&pipeline, &segments, options.filter.as_deref())?;
        ListOptions {
            max_page_size: None,
            continuation_token: options.continuation_token,
        }
        .pager_at(&pipeline, first)
    }

    /// Creates a custom role, or updates one (when `options.name` names an existing custom
    /// role). Built-in roles cannot be changed.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultDataAction, KeyVaultPermission, KeyVaultRoleScope, SetRoleDefinitionOptions};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// let role = client
    ///     .set_role_definition(
    ///         &KeyVaultRoleScope::Global,
    ///         Some(SetRoleDefinitionOptions {
    ///             role_name: Some("Signer".into()),
    ///             permissions: Some(vec![KeyVaultPermission {
    ///                 data_actions: vec![KeyVaultDataAction::SignHsmKey],
    ///                 ..Default::default()
    ///             }]),
    ///             ..Default::default()
    ///         }),
    ///     )
    ///     .await?;
    /// println!("custom role {} ({})", role.role_name, role.name);
    /// # Ok(()) }
    /// ```
    pub async fn set_role_definition(
        &self,
        scope: &KeyVaultRoleScope,
        options: Option<SetRoleDefinitionOptions<'_>>,
    ) -> Result<KeyVaultRoleDefinition> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.set_role_definition",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_3, "set_role_definition")?;
        let name = match &options.name {
            Some(name) => {
                validate_guid("name", name)?;
                name.clone()
            }
            None => new_guid(),
        };
        if let Some(role_name) = &options.role_name {
            if role_name.trim().is_empty() {
                return Err(Error::invalid_argument("role_name", "must not be empty"));
            }
        }
        if let Some(scopes) = &options.assignable_scopes {
            for s in scopes {
                s.segments()?;
            }
        }
        let url = self.url(scope, DEFINITIONS, Some(&name))?;
        let body = to_json(&RoleDefinitionCreateParameters {
            properties: RoleDefinitionProperties {
                role_name: options.role_name.as_deref(),
                role_type: KeyVaultRoleType::CustomRole,
                description: options.description.as_deref(),
                permissions: options.permissions.as_deref(),
                assignable_scopes: options.assignable_scopes.as_deref(),
            },
        })?;
        pipeline.send_json(Method::Put, url, Some(body)).await
    }

    /// Gets a role definition, built in or custom.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// // The built-in "Managed HSM Administrator".
    /// let role = client
    ///     .get_role_definition(&KeyVaultRoleScope::Global, "a290e904-7015-4bba-90c8-60543313cdb4", None)
    ///     .await?;
    /// println!("{}: {:?}", role.role_name, role.permissions);
    /// # Ok(()) }
    /// ```
    pub async fn get_role_definition(
        &self,
        scope: &KeyVaultRoleScope,
        name: &str,
        options: Option<GetRoleDefinitionOptions<'_>>,
    ) -> Result<KeyVaultRoleDefinition> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.get_role_definition",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_3, "get_role_definition")?;
        validate_guid("name", name)?;
        let url = self.url(scope, DEFINITIONS, Some(name))?;
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Deletes a custom role definition. Deleting one that does not exist is not an error, as
    /// in Python's client.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// client
    ///     .delete_role_definition(&KeyVaultRoleScope::Global, "8a0a2c5e-4f5b-4e0f-9d8e-1c2b3a4d5e6f", None)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_role_definition(
        &self,
        scope: &KeyVaultRoleScope,
        name: &str,
        options: Option<DeleteRoleDefinitionOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.delete_role_definition",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_3, "delete_role_definition")?;
        validate_guid("name", name)?;
        let url = self.url(scope, DEFINITIONS, Some(name))?;
        match pipeline.send(Method::Delete, url, None).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Lists the role definitions that can be assigned at `scope`.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultAccessControlClient, KeyVaultRoleScope};
    /// # async fn run(client: &KeyVaultAccessControlClient) -> keyvault_administration::Result<()> {
    /// use futures::TryStreamExt;
    /// let definitions: Vec<_> = client
    ///     .list_role_definitions(&KeyVaultRoleScope::Global, None)?
    ///     .try_collect()
    ///     .await?;
    /// for definition in &definitions {
    ///     println!("{} ({})", definition.role_name, definition.role_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_role_definitions(
        &self,
        scope: &KeyVaultRoleScope,
        options: Option<ListRoleDefinitionsOptions<'_>>,
    ) -> Result<Pager<KeyVaultRoleDefinition>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultAccessControlClient.list_role_definitions",
            &options.method_options,
        );
        self.require(&ApiVersion::V7_2, "list_role_definitions")?;
        let segments = Self::segments(scope, DEFINITIONS, None)?;
        let first = first_page(&pipeline, &segments, options.filter.as_deref())?;
        ListOptions {
            max_page_size: None,
            continuation_token: options.continuation_token,
        }
        .pager_at(&pipeline, first)
    }
}

/// The first page of a role list, with the caller's `$filter` percent-encoded as RFC 3986 asks
/// (a form encoder would send spaces as `+`). The RBAC API defines no `maxresults`.
fn first_page(
    pipeline: &KeyVaultPipeline,
    segments: &[String],
    filter: Option<&str>,
) -> Result<Url> {
    let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let mut url = pipeline.url(&refs);
    if let Some(filter) = filter {
        if filter.trim().is_empty() {
            return Err(Error::invalid_argument("filter", "must not be empty"));
        }
        const VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        let query = format!(
            "{}&$filter={}",
            url.query().unwrap_or_default(),
            percent_encoding::utf8_percent_encode(filter, VALUE)
        );
        url.set_query(Some(&query));
    }
    Ok(url)
}
