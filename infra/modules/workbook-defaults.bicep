// Compile-time helper of workbook.bicep: the shipped workbook with default values for some of its parameters (the
// API URL and function key of this deployment), so the deployed workbook works without typing either in.
// Exported so that tests can evaluate it on the real workbook file with `bicep build-params`.

@export()
@description('The workbook document with the value of each parameter named in defaults replaced (other parameters and items unchanged).')
func withParameterDefaults(workbook object, defaults object) object => union(workbook, {
  items: map(workbook.items, item => item.type == 9
    ? union(item, {
        content: union(item.content, {
          parameters: map(item.content.parameters, p => contains(defaults, p.name) ? union(p, { value: defaults[p.name] }) : p)
        })
      })
    : item)
})
