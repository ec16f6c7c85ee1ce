namespace AcsFunctions.Privacy;

/// <summary>
/// A category whose fields are known (declared by its schema folder, or documented by the data contract), with its
/// category-specific rules: the policy touches only the fields with a rule (the common ones and these). A category
/// nobody declares gets the unknown-category scrub.
/// </summary>
/// <param name="Category">The canonical category.</param>
/// <param name="Fields">Its rules by field name (case-insensitive), on top of <see cref="PersonalFields.Common"/>.</param>
public sealed record PersonalFieldDeclaration(string Category, IReadOnlyDictionary<string, FieldRule> Fields);
