using AcsFunctions.Drift;
using AcsFunctions.Privacy;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Schemas;

/// <summary>Registers a <see cref="CategoryModule"/> with every service that reads it: the one line a category costs.</summary>
public static class CategoryModuleRegistration
{
    /// <summary>
    /// Adds the module (once per module type) and what it declares: its handler (dispatch), its personal-field rules
    /// (privacy), its documented fields (drift), its aggregators (roll-up) and its query kinds (queries).
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler does not claim exactly the module's categories.</exception>
    public static IServiceCollection AddCategory(this IServiceCollection services, CategoryModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (services.Any(d => d.ServiceType == typeof(CategoryModule) && d.ImplementationInstance?.GetType() == module.GetType()))
        {
            return services;
        }

        var names = module.Categories.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!names.SetEquals(module.Handler.Categories))
        {
            throw new InvalidOperationException(
                $"{module.GetType().Name} declares [{string.Join(", ", names)}] but its handler {module.Handler.GetType().Name} claims [{string.Join(", ", module.Handler.Categories)}].");
        }

        services.AddSingleton(module);
        services.AddSingleton(module.Handler);
        foreach (var declaration in PersonalFields([module]))
        {
            services.AddSingleton(declaration);
        }

        foreach (var category in module.Categories)
        {
            services.AddSingleton(new DocumentedCategory(category.Name, category.DocumentedFields));
        }

        foreach (var aggregator in module.Aggregators)
        {
            services.AddSingleton(aggregator);
        }

        foreach (var kind in module.QueryKinds)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IQueryKind), kind));
        }

        return services;
    }

    /// <summary>The personal-field declarations of <paramref name="modules"/> (for a <see cref="PrivacyPolicy"/> built without DI).</summary>
    public static IEnumerable<PersonalFieldDeclaration> PersonalFields(IEnumerable<CategoryModule> modules) =>
        modules.SelectMany(m => m.Categories).Select(c => new PersonalFieldDeclaration(c.Name, c.PersonalFields));
}
